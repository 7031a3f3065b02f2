#pragma once
// etcd's v3 API as its JSON gateway speaks it (POST /v3/..., keys and values in base64,
// 64-bit numbers as JSON strings): the bodies of the requests the directory makes and the
// replies they get, as plain structs. Bytes in, structs out, an error_code for what
// does not parse (etcd_error.hpp); nothing here knows of sockets or HTTP, so every reply
// shape is tested from text alone. The paths of the calls are beside their requests.

#include "directory/etcd/etcd_error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace imchat::directory::etcd {

struct key_value {
  std::string key;
  std::string value;
  std::int64_t create_revision = 0;
  std::int64_t mod_revision = 0;
  std::int64_t lease = 0;  // 0: none
  bool operator==(const key_value&) const = default;
};

// Every parse_* returns the error etcd reported (error_from_status) or malformed_reply,
// with `why` set to etcd's own message (or what was missing); {} on success.

// The end of the range that holds every key starting with `prefix` (etcd's "range_end").
std::string prefix_end(std::string_view prefix);

// kv/range: `key`, or [key, range_end) when range_end is given.
inline constexpr std::string_view range_path = "/v3/kv/range";
std::string range_request(std::string_view key, std::string_view range_end = {});
struct range_reply {
  std::vector<key_value> kvs;
  std::int64_t revision = 0;  // of the store when it answered
};
std::error_code parse_range(std::string_view body, range_reply& out, std::string& why);

// kv/txn: puts `key` = `value` bound to `lease` only if no such key exists, and otherwise
// reads the one that does (its holder).
inline constexpr std::string_view txn_path = "/v3/kv/txn";
std::string put_if_absent_request(std::string_view key, std::string_view value, std::int64_t lease);
struct put_if_absent_reply {
  bool succeeded = false;
  std::optional<key_value> holder;  // when not: who has the key (none if it went meanwhile)
};
std::error_code parse_put_if_absent(std::string_view body, put_if_absent_reply& out, std::string& why);

// kv/put: `key` = `value` bound to `lease`, whoever had it (a name this locator holds,
// registered again with new endpoints). The reply: parse_reply.
inline constexpr std::string_view put_path = "/v3/kv/put";
std::string put_request(std::string_view key, std::string_view value, std::int64_t lease);

// kv/txn: deletes `key` only if it is bound to `lease` (a name given back by its holder,
// never by someone who took it over). The reply says nothing worth parsing beyond errors.
std::string delete_if_leased_request(std::string_view key, std::int64_t lease);
std::error_code parse_reply(std::string_view body, std::string& why);

// lease/grant, lease/keepalive, lease/revoke.
inline constexpr std::string_view lease_grant_path = "/v3/lease/grant";
inline constexpr std::string_view lease_keepalive_path = "/v3/lease/keepalive";
inline constexpr std::string_view lease_revoke_path = "/v3/lease/revoke";
std::string lease_grant_request(std::int64_t ttl_seconds);
std::string lease_request(std::int64_t lease);  // keepalive and revoke
struct lease_reply {
  std::int64_t id = 0;
  std::int64_t ttl = 0;  // seconds; 0 from a keepalive: the lease is gone
};
std::error_code parse_lease_grant(std::string_view body, lease_reply& out, std::string& why);
std::error_code parse_lease_keepalive(std::string_view body, lease_reply& out, std::string& why);

// auth/authenticate: a token for the Authorization header of every other request.
inline constexpr std::string_view authenticate_path = "/v3/auth/authenticate";
std::string authenticate_request(std::string_view user, std::string_view password);
std::error_code parse_authenticate(std::string_view body, std::string& token, std::string& why);

// maintenance/status: a member's own state, the cheapest question to see it is alive.
inline constexpr std::string_view status_path = "/v3/maintenance/status";
std::string status_request();

// watch: a stream of JSON messages, one per line, on one HTTP response. The first says
// the watch was created; each later one carries events in revision order.
inline constexpr std::string_view watch_path = "/v3/watch";
std::string watch_request(std::string_view key, std::int64_t start_revision);
struct watch_message {
  bool created = false;
  bool canceled = false;
  std::int64_t revision = 0;
  struct event {
    bool deleted = false;  // else a put
    key_value kv;
    bool operator==(const event&) const = default;
  };
  std::vector<event> events;
};
std::error_code parse_watch_message(std::string_view line, watch_message& out, std::string& why);

}  // namespace imchat::directory::etcd
