#include "support/connection_flood.hpp"

#include "support/deadline.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace imchat::test {

namespace {

sockaddr_in ipv4_address(const std::string& text, std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (::inet_pton(AF_INET, text.c_str(), &address.sin_addr) != 1)
    throw std::invalid_argument("not an IPv4 address: " + text);
  return address;
}

}  // namespace

connection_flood::connection_flood(const std::string& source, std::uint16_t port, std::size_t count,
                                   std::string_view first_bytes, std::chrono::milliseconds timeout) {
  const auto from = ipv4_address(source, 0);
  const auto to = ipv4_address("127.0.0.1", port);
  std::vector<pollfd> pending;
  for (std::size_t i = 0; i < count; ++i) {
    unique_fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!socket) throw std::system_error(errno, std::generic_category(), "socket");
    // The port is chosen at connect(), per destination, as for any client: bound here, it
    // would be this socket's alone, and a test that then listens on it everywhere fails.
    const int on = 1;
    ::setsockopt(socket.get(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
    if (::bind(socket.get(), reinterpret_cast<const sockaddr*>(&from), sizeof from) != 0)
      throw std::system_error(errno, std::generic_category(), "bind " + source);
    if (::connect(socket.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS)
      throw std::system_error(errno, std::generic_category(), "connect");
    pending.push_back({socket.get(), POLLOUT, 0});
    sockets_.push_back(std::move(socket));
  }
  // Connected once writable; then the first bytes go out.
  const deadline until(timeout);
  std::size_t connected = 0;
  while (connected < count && !until.expired()) {
    if (::poll(pending.data(), pending.size(), until.poll_timeout()) < 0 && errno != EINTR)
      throw std::system_error(errno, std::generic_category(), "poll");
    for (auto& entry : pending) {
      if (entry.fd < 0 || entry.revents == 0) continue;
      int error = 0;
      socklen_t length = sizeof error;
      ::getsockopt(entry.fd, SOL_SOCKET, SO_ERROR, &error, &length);
      INFO("connection " << (&entry - pending.data()) << " of the flood failed: " << std::strerror(error));
      REQUIRE(error == 0);
      if (!first_bytes.empty()) CHECK(::send(entry.fd, first_bytes.data(), first_bytes.size(), MSG_NOSIGNAL) ==
                                      static_cast<ssize_t>(first_bytes.size()));
      entry.fd = -1;  // poll() skips it from now on
      ++connected;
    }
  }
  INFO(connected << " of " << count << " connections of the flood were made in time");
  REQUIRE(connected == count);
  received_.resize(count);
  closed_.resize(count, false);
}

const std::vector<std::string>& connection_flood::receive(std::size_t bytes, std::chrono::milliseconds timeout) {
  const deadline until(timeout);
  for (;;) {
    std::vector<pollfd> waiting;
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < sockets_.size(); ++i) {
      if (closed_[i] || received_[i].size() >= bytes) continue;
      waiting.push_back({sockets_[i].get(), POLLIN, 0});
      which.push_back(i);
    }
    if (waiting.empty() || until.expired()) return received_;
    if (::poll(waiting.data(), waiting.size(), until.poll_timeout()) < 0 && errno != EINTR)
      throw std::system_error(errno, std::generic_category(), "poll");
    for (std::size_t k = 0; k < waiting.size(); ++k) {
      if (waiting[k].revents == 0) continue;
      char buffer[4096];
      const auto n = ::recv(waiting[k].fd, buffer, sizeof buffer, 0);
      if (n > 0) received_[which[k]].append(buffer, static_cast<std::size_t>(n));
      else if (n == 0 || (errno != EAGAIN && errno != EINTR)) closed_[which[k]] = true;
    }
  }
}

void connection_flood::send_to_all(std::string_view bytes) {
  for (std::size_t i = 0; i < sockets_.size(); ++i)
    if (!closed_[i]) (void)::send(sockets_[i].get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

bool raise_descriptor_limit(std::size_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  if (limit.rlim_cur >= wanted) return true;
  if (limit.rlim_max < wanted) return false;
  limit.rlim_cur = wanted;
  return ::setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

}  // namespace imchat::test
