#include "net/tls_error.hpp"

#include "wire/error.hpp"

#include <string>

namespace imchat::net {
namespace {

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "imchat.tls"; }
  std::string message(int value) const override {
    switch (static_cast<tls_error>(value)) {
      case tls_error::key_mismatch:
        return "the peer's key is not this side's";
      case tls_error::peer_without_key:
        return "the peer has no key (it answered without TLS)";
      case tls_error::peer_with_key:
        return "the peer has a key (it spoke TLS) and this side has none";
      case tls_error::handshake_failed:
        return "the TLS handshake failed";
    }
    return "unknown TLS error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& tls_category() noexcept {
  static const category instance;
  return instance;
}

std::error_code make_error_code(tls_error e) noexcept { return {static_cast<int>(e), tls_category()}; }

bool is_key_error(std::error_code ec) noexcept {
  return ec == wire::error::key_required || ec == tls_error::key_mismatch || ec == tls_error::peer_without_key ||
         ec == tls_error::peer_with_key;
}

}  // namespace imchat::net
