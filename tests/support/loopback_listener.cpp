#include "support/loopback_listener.hpp"

#include "support/tcp_ports.hpp"

#include <doctest/doctest.h>

#include <poll.h>
#include <sys/socket.h>

namespace imchat::test {

loopback_listener::loopback_listener() : port_(free_tcp_port()) {
  socket_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_in address = loopback_address(port_);
  REQUIRE(::bind(socket_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(socket_.get(), 16) == 0);
}

unique_fd loopback_listener::accept(std::chrono::milliseconds timeout) {
  pollfd entry{socket_.get(), POLLIN, 0};
  REQUIRE_MESSAGE(::poll(&entry, 1, deadline(timeout).poll_timeout()) == 1, "no connection to accept in time");
  unique_fd connection(::accept4(socket_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  REQUIRE(connection);
  return connection;
}

}  // namespace imchat::test
