#include "net/tls_context.hpp"

#include "net/tls_error.hpp"
#include "wire/error.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <array>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace imchat::net {

namespace ssl = boost::asio::ssl;

namespace {

// The PSK identity: it crosses the wire in clear, so it names nothing but the scheme.
constexpr std::string_view psk_identity = "imchat-key-v1";
// TLS_AES_256_GCM_SHA384, as the two bytes that name it on the wire.
constexpr std::array<unsigned char, 2> suite_id{0x13, 0x02};
constexpr const char* suite_name = "TLS_AES_256_GCM_SHA384";

// Where each SSL_CTX keeps its key: an ex_data slot of our own, since Asio uses the
// app_data one.
int key_slot() {
  static const int slot = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return slot;
}

const secret_key* key_of(SSL* connection) {
  return static_cast<const secret_key*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(connection), key_slot()));
}

// A session made of the key alone, as TLS 1.3 wants an external PSK presented.
SSL_SESSION* session_for(SSL* connection) {
  const auto* key = key_of(connection);
  const SSL_CIPHER* cipher = SSL_CIPHER_find(connection, suite_id.data());
  if (!key || !cipher) return nullptr;
  SSL_SESSION* session = SSL_SESSION_new();
  if (!session) return nullptr;
  const auto& bytes = key->bytes();
  if (!SSL_SESSION_set1_master_key(session, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) ||
      !SSL_SESSION_set_cipher(session, cipher) || !SSL_SESSION_set_protocol_version(session, TLS1_3_VERSION)) {
    SSL_SESSION_free(session);
    return nullptr;
  }
  return session;
}

int use_session(SSL* connection, const EVP_MD* md, const unsigned char** id, std::size_t* id_length,
                SSL_SESSION** session) {
  *session = nullptr;
  // Called again after a HelloRetryRequest with the handshake's hash: ours is SHA-384.
  if (md && EVP_MD_get_type(md) != NID_sha384) return 1;
  *session = session_for(connection);
  if (!*session) return 0;
  *id = reinterpret_cast<const unsigned char*>(psk_identity.data());
  *id_length = psk_identity.size();
  return 1;
}

int find_session(SSL* connection, const unsigned char* identity, std::size_t identity_length,
                 SSL_SESSION** session) {
  *session = nullptr;
  const std::string_view presented(reinterpret_cast<const char*>(identity), identity_length);
  if (presented != psk_identity) return 1;  // no PSK: the handshake fails (no certificate)
  *session = session_for(connection);
  return *session ? 1 : 0;
}

[[noreturn]] void fail(const char* what) {
  const auto code = ERR_get_error();
  std::array<char, 256> text{};
  ERR_error_string_n(code, text.data(), text.size());
  throw std::runtime_error(std::string("cannot set up TLS: ") + what + ": " + text.data());
}

void configure(SSL_CTX* context, const secret_key& key) {
  if (!SSL_CTX_set_min_proto_version(context, TLS1_3_VERSION) ||
      !SSL_CTX_set_max_proto_version(context, TLS1_3_VERSION))
    fail("TLS 1.3");
  if (!SSL_CTX_set_ciphersuites(context, suite_name)) fail(suite_name);
  SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(context, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(context, 0);
  SSL_CTX_set_max_early_data(context, 0);
  if (!SSL_CTX_set_ex_data(context, key_slot(), const_cast<secret_key*>(&key))) fail("the key's slot");
}

}  // namespace

tls_context::tls_context(const secret_key& key)
    : key_(key), client_(ssl::context::tls_client), server_(ssl::context::tls_server) {
  configure(client_.native_handle(), key_);
  configure(server_.native_handle(), key_);
  // A certificate can prove nothing here: the client verifies one against no trust
  // anchors, which fails. The server has none to send, and asks for none.
  SSL_CTX_set_verify(client_.native_handle(), SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_verify(server_.native_handle(), SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_psk_use_session_callback(client_.native_handle(), use_session);
  SSL_CTX_set_psk_find_session_callback(server_.native_handle(), find_session);
}

bool authenticated_by_key(SSL* connection) noexcept {
  return SSL_session_reused(connection) == 1 && SSL_version(connection) == TLS1_3_VERSION;
}

std::error_code classify_handshake_error(const boost::system::error_code& ec, std::string& detail) {
  if (ec == boost::asio::error::eof || ec == ssl::error::stream_truncated) {
    detail = "the peer closed the connection during the TLS handshake";
    return wire::error::connection_closed;
  }
  if (ec.category() != boost::asio::error::get_ssl_category()) {
    detail = "during the TLS handshake";
    return ec;
  }
  switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
    case SSL_R_BINDER_DOES_NOT_VERIFY:          // the accepting side: the PSK's proof is not ours
    case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:   // the dialing side, told so by the peer
    case SSL_R_SSLV3_ALERT_ILLEGAL_PARAMETER:
    case SSL_R_TLSV1_ALERT_DECRYPT_ERROR:
      detail = {};
      return tls_error::key_mismatch;
    case SSL_R_WRONG_VERSION_NUMBER:  // what arrived was no TLS record
      detail = {};
      return tls_error::peer_without_key;
    default:
      detail = ec.message();
      return tls_error::handshake_failed;
  }
}

}  // namespace imchat::net
