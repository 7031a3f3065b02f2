#pragma once
// A blocking TCP client for writing raw (possibly malformed) bytes at a server on
// 127.0.0.1 and checking exactly what comes back, byte for byte.
//
//   raw_tcp_client client(port);
//   CHECK(client.receive_exactly(8) == std::string("IMCHAT\x01\x02", 8));
//   client.send_bytes("GET / HTTP/1.0\r\n\r\n");
//   CHECK(client.wait_closed());
//
// Everything received is kept in one buffer, so data that arrives while waiting for the
// close is still there for receive_some(). Failing to connect throws std::system_error;
// the other calls report timeouts and closed connections in their results.

#include "support/deadline.hpp"
#include "support/unique_fd.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imchat::test {

class raw_tcp_client {
 public:
  // Connects to 127.0.0.1:port; throws std::system_error when that fails or times out.
  explicit raw_tcp_client(std::uint16_t port, std::chrono::milliseconds timeout = default_timeout);
  // Connects, or std::nullopt when nothing accepts on the port (yet).
  static std::optional<raw_tcp_client> try_connect(std::uint16_t port,
                                                   std::chrono::milliseconds timeout = default_timeout);

  // Sends all of `bytes` (TCP_NODELAY: small writes leave at once, as separate segments
  // where the kernel can). False when the peer has closed or reset the connection, or the
  // timeout passes first because the peer does not read.
  bool send_bytes(std::string_view bytes, std::chrono::milliseconds timeout = default_timeout);

  // Half-closes the connection: the peer reads end of file, we can still receive.
  void shutdown_sending();

  // What has been received and not yet taken, or else the first bytes to arrive. Empty
  // on timeout or when the peer has closed and nothing is left.
  std::string receive_some(std::chrono::milliseconds timeout = default_timeout);

  // Exactly the next `count` bytes; std::nullopt (taking nothing) if the peer closes or
  // the timeout passes before that many have arrived.
  std::optional<std::string> receive_exactly(std::size_t count,
                                             std::chrono::milliseconds timeout = default_timeout);

  // True once the peer has closed (or reset) the connection; false on timeout.
  bool wait_closed(std::chrono::milliseconds timeout = default_timeout);

  // Takes over a connected socket (one a test accepted from a loopback_listener, say).
  explicit raw_tcp_client(unique_fd socket);

 private:
  // Waits up to `timeout_ms` for data and reads what is there into `received_`.
  void receive_once(int timeout_ms);
  template <typename Condition>
  void receive_until(const deadline& until, Condition done);

  unique_fd socket_;
  std::string received_;  // received and not yet taken
  bool peer_closed_ = false;
};

}  // namespace imchat::test
