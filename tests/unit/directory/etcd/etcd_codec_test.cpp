// etcd's JSON gateway, from text alone: the replies below are what etcd 3.4's gateway
// sends (seen on Debian's etcd-server), and the shapes a broken or hostile peer might send.

#include "directory/etcd/etcd_codec.hpp"
#include "util/base64.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace imchat::directory::etcd;
using imchat::base64_decode;
using imchat::base64_encode;
using json = nlohmann::json;

namespace {

std::string b64(std::string_view text) { return base64_encode(text); }

// The pieces put together (appended: GCC 12 warns wrongly about std::string's + here).
std::string join(std::initializer_list<std::string_view> pieces) {
  std::string text;
  for (const auto piece : pieces) text.append(piece);
  return text;
}

constexpr const char* header = R"("header":{"cluster_id":"324952591200643719","member_id":"3319814642761637952","revision":"7","raft_term":"2"})";

}  // namespace

TEST_SUITE("directory: etcd") {

TEST_CASE("etcd codec: a range request carries the key and the range's end in base64") {
  const auto request = json::parse(range_request("/imchat/Q_a", prefix_end("/imchat/Q_a")));
  CHECK(base64_decode(request["key"].get<std::string>()) == "/imchat/Q_a");
  CHECK(base64_decode(request["range_end"].get<std::string>()) == "/imchat/Q_b");
  CHECK_FALSE(json::parse(range_request("k")).contains("range_end"));
}

TEST_CASE("etcd codec: the end of a prefix's range") {
  CHECK(prefix_end("/imchat/") == "/imchat0");
  CHECK(prefix_end(std::string("a\xff", 2)) == "b");
  CHECK(prefix_end(std::string("\xff\xff", 2)) == std::string(1, '\0'));
}

TEST_CASE("etcd codec: a range reply gives its keys - values - leases and revision") {
  const std::string body = join({"{", header, R"(,"kvs":[{"key":")", b64("/imchat/Q_x"), R"(","create_revision":"2","mod_revision":"3","version":"1","value":")", b64("v"), R"(","lease":"2324035879112811283"}],"count":"1"})"});
  range_reply reply;
  std::string why;
  REQUIRE_FALSE(parse_range(body, reply, why));
  REQUIRE(reply.kvs.size() == 1);
  CHECK(reply.kvs[0] == key_value{"/imchat/Q_x", "v", 2, 3, 2324035879112811283});
  CHECK(reply.revision == 7);
}

TEST_CASE("etcd codec: an empty range has no kvs field at all") {
  range_reply reply;
  std::string why;
  REQUIRE_FALSE(parse_range(join({"{", header, "}"}), reply, why));
  CHECK(reply.kvs.empty());
  CHECK(reply.revision == 7);
}

TEST_CASE("etcd codec: put-if-absent asks for a create revision of 0 and reads the holder otherwise") {
  const auto request = json::parse(put_if_absent_request("/imchat/Q_x", "value", 42));
  CHECK(request["compare"][0]["target"] == "CREATE");
  CHECK(request["compare"][0]["create_revision"] == "0");
  CHECK(request["success"][0]["request_put"]["lease"] == "42");
  CHECK(base64_decode(request["failure"][0]["request_range"]["key"].get<std::string>()) == "/imchat/Q_x");

  put_if_absent_reply reply;
  std::string why;
  REQUIRE_FALSE(parse_put_if_absent(join({"{", header, R"(,"succeeded":true,"responses":[{"response_put":{"header":{"revision":"2"}}}]})"}),
                                    reply, why));
  CHECK(reply.succeeded);
  CHECK_FALSE(reply.holder);

  const std::string taken = join({"{", header, R"(,"responses":[{"response_range":{"header":{"revision":"2"},"kvs":[{"key":")", b64("/imchat/Q_x"), R"(","create_revision":"2","mod_revision":"2","version":"1","value":")", b64("held"), R"(","lease":"9"}],"count":"1"}}]})"});
  REQUIRE_FALSE(parse_put_if_absent(taken, reply, why));
  CHECK_FALSE(reply.succeeded);
  REQUIRE(reply.holder);
  CHECK(reply.holder->value == "held");
  CHECK(reply.holder->lease == 9);
}

TEST_CASE("etcd codec: leases granted - kept alive and found gone") {
  lease_reply lease;
  std::string why;
  REQUIRE_FALSE(parse_lease_grant(join({"{", header, R"(,"ID":"2324035879112811269","TTL":"3"})"}), lease, why));
  CHECK(lease.id == 2324035879112811269);
  CHECK(lease.ttl == 3);
  CHECK(parse_lease_grant(join({"{", header, "}"}), lease, why) == error::malformed_reply);

  REQUIRE_FALSE(parse_lease_keepalive(join({R"({"result":{)", header, R"(,"ID":"5","TTL":"4"}})"}), lease, why));
  CHECK(lease.ttl == 4);
  // A lease etcd no longer has: the result comes without a TTL.
  REQUIRE_FALSE(parse_lease_keepalive(join({R"({"result":{)", header, R"(,"ID":"1"}})"}), lease, why));
  CHECK(lease.ttl == 0);
  CHECK(json::parse(lease_request(77))["ID"] == "77");
}

TEST_CASE("etcd codec: etcd's error replies in both shapes become named errors") {
  std::string why;
  range_reply reply;
  CHECK(parse_range(R"({"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":5})",
                    reply, why) == error::lease_not_found);
  CHECK(why == "etcdserver: requested lease not found");
  CHECK(parse_reply(R"({"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: no leader","http_status":"Service Unavailable"}})",
                    why) == error::unavailable);
  CHECK(parse_reply(R"({"error":"etcdserver: invalid auth token","code":16})", why) == error::invalid_token);
  CHECK(parse_reply(R"({"error":"etcdserver: authentication failed, invalid user ID or password","code":3})", why) ==
        error::authentication_failed);
  CHECK(parse_reply(R"({"error":"etcdserver: user name is empty","code":3})", why) == error::authentication_required);
  CHECK(parse_reply(R"({"error":"etcdserver: permission denied","code":7})", why) == error::permission_denied);
  CHECK(parse_reply(R"({"error":"etcdserver: request timed out","code":14})", why) == error::unavailable);
  CHECK(parse_reply(R"({"error":"etcdserver: leader changed","code":2})", why) == error::unavailable);
  CHECK(parse_reply(R"({"error":"something else","code":2})", why) == error::request_refused);
  CHECK(is_fatal(error::authentication_failed));
  CHECK_FALSE(is_fatal(error::unavailable));
}

TEST_CASE("etcd codec: what is not etcd JSON is malformed - never half read") {
  std::string why;
  range_reply reply;
  for (const char* body : {"", "not json", "[]", "\"text\"", R"({"kvs":{}})", R"({"kvs":[{"key":"!!"}]})",
                           R"({"kvs":[{"key":"a2V5","lease":"12x"}]})", R"({"kvs":[{"key":"a2V5","lease":[1]}]})",
                           R"({"error":{"message":"no code"}})"}) {
    CAPTURE(std::string(body));
    CHECK(parse_range(body, reply, why) == error::malformed_reply);
  }
  put_if_absent_reply put;
  CHECK(parse_put_if_absent(R"({"succeeded":"yes"})", put, why) == error::malformed_reply);
  CHECK(parse_put_if_absent(R"({"responses":[{"response_put":{}}]})", put, why) == error::malformed_reply);
}

TEST_CASE("etcd codec: a token is taken only if a header can carry it") {
  std::string token, why;
  REQUIRE_FALSE(parse_authenticate(join({"{", header, R"(,"token":"abc.DEF.123"})"}), token, why));
  CHECK(token == "abc.DEF.123");
  CHECK(parse_authenticate(R"({"token":"a\r\nX-Evil: 1"})", token, why) == error::malformed_reply);
  CHECK(parse_authenticate(R"({"token":""})", token, why) == error::malformed_reply);
  CHECK(parse_authenticate("{}", token, why) == error::malformed_reply);
  const auto request = json::parse(authenticate_request("kofi", "pa\"ss"));
  CHECK(request["name"] == "kofi");
  CHECK(request["password"] == "pa\"ss");
}

TEST_CASE("etcd codec: a watch - created - events put and deleted - cancelled") {
  const auto request = json::parse(watch_request("/imchat/E_x", 8));
  CHECK(request["create_request"]["start_revision"] == "8");

  watch_message message;
  std::string why;
  REQUIRE_FALSE(parse_watch_message(join({R"({"result":{)", header, R"(,"created":true}})"}), message, why));
  CHECK(message.created);
  CHECK(message.events.empty());

  const std::string events = join({R"({"result":{)", header, R"(,"events":[{"kv":{"key":")", b64("/imchat/E_x"), R"(","create_revision":"3","mod_revision":"3","version":"1","value":")", b64("v"), R"("}},{"type":"DELETE","kv":{"key":")", b64("/imchat/E_x"), R"(","mod_revision":"4"}}]}})"});
  REQUIRE_FALSE(parse_watch_message(events, message, why));
  REQUIRE(message.events.size() == 2);
  CHECK_FALSE(message.events[0].deleted);
  CHECK(message.events[0].kv.value == "v");
  CHECK(message.events[1].deleted);

  REQUIRE_FALSE(parse_watch_message(R"({"result":{"canceled":true,"cancel_reason":"mvcc: required revision has been compacted"}})",
                                    message, why));
  CHECK(message.canceled);
  CHECK(why == "mvcc: required revision has been compacted");
  CHECK(parse_watch_message(R"({"result":{"events":[{"type":"BOGUS","kv":{}}]}})", message, why) == error::malformed_reply);
  CHECK(parse_watch_message(R"({"nothing":1})", message, why) == error::malformed_reply);
}

}  // TEST_SUITE
