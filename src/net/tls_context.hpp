#pragma once
// TLS 1.3 authenticated by a shared key, with no certificate anywhere (docs/security.md):
// the key is an external pre-shared key (RFC 8446 §2.2), used with an (EC)DHE exchange
// (psk_dhe_ke), so a recording of a connection stays unreadable even to someone who
// later learns the key. A peer without the key cannot complete the handshake, and learns
// nothing from it: the PSK's identity is a fixed label, not the room's name, because it
// travels in clear. One suite (TLS_AES_256_GCM_SHA384, whose hash the PSK must share),
// no session tickets, no early data (which could be replayed), no certificates (a client
// verifies with no trust anchors, so only the key can succeed; authenticated_by_key()
// checks that it did).
//
// One tls_context per key, shared by every connection that uses it (OpenSSL's SSL_CTX
// is safe to use from several threads once set up).

#include <utility>  // before Asio: GCC 12 with Boost 1.74 under C++20 needs it

#include "util/key_file.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include <memory>
#include <system_error>

namespace imchat::net {

class tls_context {
 public:
  // Throws std::runtime_error if OpenSSL cannot set the contexts up.
  explicit tls_context(const secret_key& key);
  tls_context(const tls_context&) = delete;
  tls_context& operator=(const tls_context&) = delete;

  static std::shared_ptr<tls_context> create(const secret_key& key) { return std::make_shared<tls_context>(key); }

  // For the side that dials, and for the side that accepts.
  boost::asio::ssl::context& client() noexcept { return client_; }
  boost::asio::ssl::context& server() noexcept { return server_; }

  const secret_key& key() const noexcept { return key_; }

 private:
  const secret_key key_;
  boost::asio::ssl::context client_;
  boost::asio::ssl::context server_;
};

// After a handshake that reported success: true only if it was the key that
// authenticated the peer (the PSK was used).
bool authenticated_by_key(SSL* connection) noexcept;

// What a failed handshake means for the keys (tls_error.hpp): another key, a peer
// without one, or another TLS failure (the OpenSSL reason is in `detail`).
std::error_code classify_handshake_error(const boost::system::error_code& ec, std::string& detail);

}  // namespace imchat::net
