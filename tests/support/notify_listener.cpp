#include "support/notify_listener.hpp"

#include <cstring>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <system_error>
#include <unistd.h>

namespace imchat::test {

notify_listener::notify_listener(std::string name)
    : name_(std::move(name)), socket_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
  if (!socket_) throw std::system_error(errno, std::generic_category(), "socket");
  if (name_.empty() || name_.size() >= sizeof(sockaddr_un::sun_path))
    throw std::invalid_argument("notify socket name: empty or too long");
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, name_.data(), name_.size());
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';
  if (name_[0] == '/') ::unlink(name_.c_str());
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
  if (::bind(socket_.get(), reinterpret_cast<const sockaddr*>(&address), length) != 0)
    throw std::system_error(errno, std::generic_category(), "bind " + name_);
}

notify_listener::~notify_listener() {
  if (name_[0] == '/') ::unlink(name_.c_str());
}

std::optional<std::string> notify_listener::receive(std::chrono::milliseconds timeout) {
  pollfd ready{.fd = socket_.get(), .events = POLLIN, .revents = 0};
  if (::poll(&ready, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
  char buffer[4096];
  const auto n = ::recv(socket_.get(), buffer, sizeof buffer, 0);
  if (n < 0) return std::nullopt;
  return std::string(buffer, static_cast<std::size_t>(n));
}

std::optional<std::string> notify_listener::receive_containing(const std::string& needle,
                                                               std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto datagram = receive(left);
    if (!datagram) return std::nullopt;
    if (datagram->find(needle) != std::string::npos) return datagram;
  }
}

}  // namespace imchat::test
