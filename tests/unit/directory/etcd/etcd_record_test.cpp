#include "directory/etcd/etcd_record.hpp"

#include <doctest/doctest.h>

using namespace imchat::directory::etcd;
using imchat::wire::object_kind;
using imchat::wire::record;

TEST_SUITE("directory: etcd") {

TEST_CASE("etcd record: a record goes round through its key and value") {
  const record original{object_kind::exchange, "E_international affairs", {"10.0.0.2:5556", "[fe80::1%eth0]:5556"},
                        "host-a pid 12"};
  const auto key = record_key("/imchat/", original.name);
  CHECK(key == "/imchat/E_international affairs");
  record decoded;
  std::string why;
  REQUIRE(decode_record("/imchat/", key, encode_record_value(original), decoded, why));
  CHECK(decoded == original);
}

TEST_CASE("etcd record: a value anyone could have written is checked as the built-in directory checks") {
  record decoded;
  std::string why;
  const auto refused = [&](std::string_view key, std::string_view value) {
    return !decode_record("/imchat/", key, value, decoded, why);
  };
  CHECK(refused("/other/Q_x", R"({"kind":"queue","endpoints":["a:1"]})"));
  CHECK(refused("/imchat/Q_x", "not json"));
  CHECK(refused("/imchat/Q_x", R"({"kind":"topic","endpoints":["a:1"]})"));
  CHECK(refused("/imchat/Q_x", R"({"kind":"queue"})"));
  CHECK(refused("/imchat/Q_x", R"({"kind":"queue","endpoints":[]})"));
  CHECK(refused("/imchat/Q_x", R"({"kind":"queue","endpoints":[5]})"));
  CHECK(refused("/imchat/Q_x", R"({"kind":"queue","endpoints":["a:1\u001b[2J"]})"));
  CHECK(why.find("control character") != std::string::npos);
  CHECK(refused("/imchat/Q_x", R"({"kind":"queue","endpoints":["a:1"],"owner":"x\u0007"})"));
  CHECK(refused("/imchat/", R"({"kind":"queue","endpoints":["a:1"]})"));  // no name
  CHECK(refused("/imchat/Q_x", R"({"kind":"queue","endpoints":["a:1","a:1","a:1","a:1","a:1","a:1","a:1","a:1","a:1","a:1","a:1","a:1","a:1","a:1","a:1","a:1","a:1"]})"));
  CHECK_FALSE(refused("/imchat/Q_x", R"({"kind":"queue","endpoints":["a:1"]})"));
  CHECK(decoded.owner.empty());
}

}  // TEST_SUITE
