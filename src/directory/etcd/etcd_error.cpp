#include "directory/etcd/etcd_error.hpp"

#include <string>
#include <string_view>

namespace imchat::directory::etcd {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "imchat.etcd"; }
  std::string message(int value) const override {
    switch (static_cast<error>(value)) {
      case error::malformed_reply: return "etcd sent a reply its API does not describe";
      case error::reply_too_large: return "etcd's reply is over the client's size limit";
      case error::http_status: return "the etcd member answered with an HTTP error";
      case error::unavailable: return "the etcd member cannot serve now (no leader, or timed out)";
      case error::authentication_failed: return "etcd refused the user name or password";
      case error::authentication_required: return "the etcd cluster requires a user (--etcd-user)";
      case error::invalid_token: return "etcd no longer accepts the authentication token";
      case error::permission_denied: return "etcd's user may not do this with these keys";
      case error::lease_not_found: return "the lease expired or was revoked";
      case error::request_refused: return "etcd refused the request";
      case error::no_member: return "no member of the etcd cluster answered";
      case error::certificate_refused: return "the etcd member's certificate does not verify against --etcd-ca";
      case error::certificate_with_name:
        return "etcd's gateway authenticates no user whose client certificate has a Common Name: use "
               "--etcd-cert without one";
    }
    return "unknown etcd error " + std::to_string(value);
  }
};

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

}  // namespace

const std::error_category& etcd_category() noexcept {
  static const category instance;
  return instance;
}

std::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), etcd_category()}; }

bool is_fatal(std::error_code ec) noexcept {
  return ec == error::authentication_failed || ec == error::authentication_required ||
         ec == error::certificate_refused || ec == error::certificate_with_name || ec == error::permission_denied;
}

// gRPC's status codes (google.golang.org/grpc/codes), as etcd's gateway reports them,
// and etcd's own messages (etcdserver/api/v3rpc/rpctypes) where one code covers several.
std::error_code error_from_status(int grpc_code, std::string_view message) noexcept {
  constexpr int invalid_argument = 3, deadline_exceeded = 4, not_found = 5, permission_denied = 7,
                failed_precondition = 9, aborted = 10, unavailable = 14, unauthenticated = 16;
  switch (grpc_code) {
    case invalid_argument:
      if (contains(message, "authentication failed")) return error::authentication_failed;
      if (contains(message, "user name is empty") || contains(message, "user name not found"))
        return error::authentication_required;
      break;
    case unauthenticated:
      if (contains(message, "invalid auth token")) return error::invalid_token;
      return error::authentication_failed;
    case permission_denied: return error::permission_denied;
    case not_found:
      if (contains(message, "lease")) return error::lease_not_found;
      break;
    case failed_precondition:
      if (contains(message, "user name is empty")) return error::authentication_required;
      break;
    case deadline_exceeded:
    case aborted:
    case unavailable: return error::unavailable;
    default: break;
  }
  // Leader changes and elections come with several codes across etcd versions.
  if (contains(message, "leader") || contains(message, "timed out") || contains(message, "too many requests"))
    return error::unavailable;
  return error::request_refused;
}

}  // namespace imchat::directory::etcd
