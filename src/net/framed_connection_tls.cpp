// framed_connection with a key: the TLS handshake before the greeting, and what a keyed
// side does with what arrives first (framed_connection.hpp; docs/wire-protocol.md §7).

#include "net/framed_connection.hpp"

#include "net/tls_context.hpp"
#include "net/tls_error.hpp"
#include "net/tls_stream.hpp"
#include "util/printable_text.hpp"
#include "wire/error.hpp"
#include "wire/greeting.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <sys/socket.h>

namespace imchat::net {

namespace asio = boost::asio;
using asio_error = boost::system::error_code;

namespace {
// How many of a misbehaving peer's bytes a log line shows.
constexpr std::size_t sample_size = 32;
}  // namespace

void framed_connection::look_at_first_bytes() {
  socket_.async_wait(asio::ip::tcp::socket::wait_read,
                     [self = shared_from_this()](asio_error ec) { self->on_first_bytes(ec); });
}

void framed_connection::on_first_bytes(asio_error ec) {
  // Not on closing_: a connection turned away (refuse()) still tells the peer why.
  if (closed_) return;
  if (ec) return finish(ec, "during the handshake");
  // A peeked byte stays in the socket for TLS (or for the greeting) to read.
  std::array<std::byte, wire::greeting_size> first{};
  const auto n = ::recv(socket_.native_handle(), first.data(), first.size(), MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return look_at_first_bytes();
  if (n <= 0) return finish(wire::error::connection_closed, "connection closed during the handshake");
  if (first[0] == tls_handshake_record) return start_tls_handshake();
  if (first[0] == wire::greeting_magic[0]) {
    // A plaintext imchat peer: told, in its own terms, what it lacks; it learns nothing else.
    tls_.reset();
    secured_ = true;
    if (closing_) return flush();  // turned away already, for another reason
    close_with_error(wire::error::key_required);
    return;
  }
  spdlog::warn("{}: not an imchat peer (sent '{}'), closing", peer_,
               printable_text(std::span(first).first(static_cast<std::size_t>(n)), sample_size));
  finish(wire::error::bad_magic, "not an imchat peer");
}

void framed_connection::start_tls_handshake() {
  tls_->stream.async_handshake(options_.dialing ? asio::ssl::stream_base::client : asio::ssl::stream_base::server,
                               [self = shared_from_this()](asio_error ec) { self->on_tls_handshake(ec); });
}

void framed_connection::on_tls_handshake(asio_error ec) {
  if (closed_) return;
  if (ec) {
    std::string detail;
    const auto reason = classify_handshake_error(ec, detail);
    return finish(reason, detail);
  }
  if (!authenticated_by_key(tls_->stream.native_handle()))
    return finish(tls_error::handshake_failed, "the peer did not prove the key");
  secured_ = true;
  flush();
  if (!closing_) read_greeting();
}

}  // namespace imchat::net
