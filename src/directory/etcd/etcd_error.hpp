#pragma once
// What an etcd cluster (or the way to it) can refuse, each with a name and a message,
// plugged into std::error_code: the etcd directory's one error table (etcd_codec turns
// etcd's own error replies into these; the client adds the ones of its own making).
// Some say "ask another member" (unavailable), some "no retry can mend this" (is_fatal:
// the program stops and says why, as it does for a refused key).

#include <system_error>

namespace imchat::directory::etcd {

enum class error {
  malformed_reply = 1,          // not JSON, or without what etcd's API promises
  reply_too_large = 2,          // a reply (or one message of a stream) over the client's limit
  http_status = 3,              // an HTTP status with no etcd error in the body (a proxy's, say)
  unavailable = 4,              // this member cannot serve now (no leader, timed out): another may
  authentication_failed = 5,    // the user name or password was refused
  authentication_required = 6,  // the cluster has authentication on and no user was given
  invalid_token = 7,            // the token expired or was revoked: authenticate again
  permission_denied = 8,        // the user may not do this with these keys
  lease_not_found = 9,          // the lease expired or was revoked
  request_refused = 10,         // anything else etcd refused: its message says why
  no_member = 11,               // no member of the cluster answered
  certificate_refused = 12,     // TLS: a member's certificate did not verify against --etcd-ca
  certificate_with_name = 13,   // the gateway will not authenticate a user whose TLS certificate has a CN
};

const std::error_category& etcd_category() noexcept;
std::error_code make_error_code(error e) noexcept;

// Retrying with the same settings cannot work (wrong password, no user where one is
// needed, a user without access to the prefix, a certificate that does not verify or
// that etcd's gateway will not take): the locator gives up and says so.
bool is_fatal(std::error_code ec) noexcept;

// etcd's error reply: its gRPC status code and its message, as one of the errors above.
std::error_code error_from_status(int grpc_code, std::string_view message) noexcept;

}  // namespace imchat::directory::etcd

template <>
struct std::is_error_code_enum<imchat::directory::etcd::error> : std::true_type {};
