#include "directory/directory_address.hpp"

#include <doctest/doctest.h>

using namespace imchat::directory;

TEST_SUITE("directory") {

TEST_CASE("directory address: an etcd cluster's members - the port defaulting to 2379") {
  std::vector<imchat::net::host_and_port> members;
  std::string why;
  REQUIRE_FALSE(parse_etcd_address("etcd://10.0.0.1:2379,etcd-b,[::1]:12379", members, why));
  REQUIRE(members.size() == 3);
  CHECK(members[0].host == "10.0.0.1");
  CHECK(members[0].port == 2379);
  CHECK(members[1].host == "etcd-b");
  CHECK(members[1].port == 2379);
  CHECK(members[2].host == "::1");
  CHECK(members[2].port == 12379);
  CHECK(is_etcd_address("etcd://x"));
  CHECK_FALSE(is_etcd_address("x:5682"));
}

TEST_CASE("directory address: malformed etcd addresses say what is wrong") {
  std::vector<imchat::net::host_and_port> members;
  std::string why;
  for (const char* text : {"etcd://", "etcd://a,,b", "etcd://a,", "etcd://a:99999", "etcd://a b"}) {
    CAPTURE(text);
    CHECK(parse_etcd_address(text, members, why) == std::errc::invalid_argument);
    CHECK(why.starts_with("directory address '"));
    CHECK(check_directory_address(text, why) == std::errc::invalid_argument);
  }
  CHECK_FALSE(check_directory_address("localhost:5682", why));
  CHECK(check_directory_address("localhost:x", why) == std::errc::invalid_argument);
}

}  // TEST_SUITE
