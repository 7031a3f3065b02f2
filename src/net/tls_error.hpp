#pragma once
// Why a connection with a key (TLS, tls_context.hpp) did not come about, as far as the
// two sides' keys go. These are the failures that no retry can mend: a program that
// meets one says so and stops, instead of reconnecting for ever (is_key_error).

#include <system_error>

namespace imchat::net {

enum class tls_error {
  key_mismatch = 1,      // the peer holds another key
  peer_without_key = 2,  // this side has a key; the peer answered in plaintext
  peer_with_key = 3,     // this side has no key; the peer spoke TLS
  handshake_failed = 4,  // the TLS handshake failed for another reason (the message says which)
};

const std::error_category& tls_category() noexcept;
std::error_code make_error_code(tls_error e) noexcept;

// A failure of keys on either side (these, and wire::error::key_required, which a side
// with a key answers a plaintext greeting with): retrying with the same keys cannot work.
bool is_key_error(std::error_code ec) noexcept;

}  // namespace imchat::net

template <>
struct std::is_error_code_enum<imchat::net::tls_error> : std::true_type {};
