#include "support/tcp_ports.hpp"

#include "support/raw_tcp_client.hpp"
#include "support/unique_fd.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cerrno>
#include <system_error>
#include <thread>

namespace imchat::test {

sockaddr_in loopback_address(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(0x7f00'0001);  // 127.0.0.1
  return address;
}

std::uint16_t free_tcp_port() {
  const unique_fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket) throw std::system_error(errno, std::generic_category(), "socket");
  sockaddr_in address = loopback_address(0);
  socklen_t length = sizeof address;
  if (::bind(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw std::system_error(errno, std::generic_category(), "bind 127.0.0.1:0");
  return ntohs(address.sin_port);
}

bool wait_for_tcp_port(std::uint16_t port, std::chrono::milliseconds timeout) {
  const deadline until(timeout);
  for (;;) {
    if (raw_tcp_client::try_connect(port, std::chrono::milliseconds(until.poll_timeout())))
      return true;
    if (until.expired()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(until.poll_timeout(std::chrono::milliseconds(10))));
  }
}

}  // namespace imchat::test
