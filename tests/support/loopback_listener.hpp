#pragma once
// The server end for tests of clients: a socket listening on 127.0.0.1, accepting one
// connection at a time when asked.
//
//   loopback_listener listener;
//   raw_tcp_client client(listener.port());
//   const unique_fd server = listener.accept();

#include "support/deadline.hpp"
#include "support/unique_fd.hpp"

#include <chrono>
#include <cstdint>

namespace imchat::test {

class loopback_listener {
 public:
  // Listens on a free port; fails the test if it cannot.
  loopback_listener();

  std::uint16_t port() const { return port_; }

  // The next connection; fails the test if none comes within `timeout`.
  unique_fd accept(std::chrono::milliseconds timeout = default_timeout);

 private:
  std::uint16_t port_;
  unique_fd socket_;
};

}  // namespace imchat::test
