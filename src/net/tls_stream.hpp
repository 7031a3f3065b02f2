#pragma once
// The TLS session of a framed_connection with a key (net/tls_context.hpp), private to
// the two files that implement the connection: framed_connection.cpp (frames) and
// framed_connection_tls.cpp (the handshake, and what a keyed side does with a peer that
// has no key).

#include <utility>  // before Asio: GCC 12 with Boost 1.74 under C++20 needs it

#include "net/framed_connection.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <array>
#include <cstddef>

namespace imchat::net {

// A TLS record's first byte (a handshake record: the ClientHello).
inline constexpr std::byte tls_handshake_record{0x16};
// What one read from a TLS stream takes at most: a record's worth.
inline constexpr std::size_t tls_read_size = 16 * 1024;

// The TLS session over the connection's socket, and the buffer it decrypts into: unlike a
// plaintext read, a TLS read holds its buffer while it waits, so it cannot borrow the
// thread's.
struct framed_connection::tls_stream {
  tls_stream(boost::asio::ip::tcp::socket& socket, boost::asio::ssl::context& context) : stream(socket, context) {}
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket&> stream;
  std::array<std::byte, tls_read_size> read_buffer{};
};

template <class Operation>
void framed_connection::on_stream(Operation&& operation) {
  if (tls_)
    operation(tls_->stream);
  else
    operation(socket_);
}

}  // namespace imchat::net
