#include "support/raw_tcp_client.hpp"

#include "support/tcp_ports.hpp"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <system_error>
#include <utility>

namespace imchat::test {
namespace {

// Waits until `fd` is ready for `events`; false on timeout.
bool wait_ready(const unique_fd& fd, short events, const deadline& until) {
  pollfd entry{fd.get(), events, 0};
  for (;;) {
    const int ready = ::poll(&entry, 1, until.poll_timeout());
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
  }
}

// A connected non-blocking socket to 127.0.0.1:port, or the error that prevented it.
unique_fd connect_to_loopback(std::uint16_t port, std::chrono::milliseconds timeout, std::error_code& error) {
  unique_fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!socket) throw std::system_error(errno, std::generic_category(), "socket");
  const int enabled = 1;
  ::setsockopt(socket.get(), IPPROTO_TCP, TCP_NODELAY, &enabled, sizeof enabled);
  const sockaddr_in address = loopback_address(port);
  if (::connect(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) return socket;
  if (errno != EINPROGRESS) {
    error.assign(errno, std::generic_category());
    return {};
  }
  // Non-blocking even for the connect: with a full listen backlog a blocking connect()
  // would retry SYNs for minutes.
  if (!wait_ready(socket, POLLOUT, deadline(timeout))) {
    error = std::make_error_code(std::errc::timed_out);
    return {};
  }
  int connect_error = 0;
  socklen_t length = sizeof connect_error;
  if (::getsockopt(socket.get(), SOL_SOCKET, SO_ERROR, &connect_error, &length) != 0) connect_error = errno;
  if (connect_error != 0) {
    error.assign(connect_error, std::generic_category());
    return {};
  }
  return socket;
}

}  // namespace

raw_tcp_client::raw_tcp_client(unique_fd socket) : socket_(std::move(socket)) {
  // The waits with timeouts rely on it; an accepted socket is blocking.
  ::fcntl(socket_.get(), F_SETFL, ::fcntl(socket_.get(), F_GETFL) | O_NONBLOCK);
}

raw_tcp_client::raw_tcp_client(std::uint16_t port, std::chrono::milliseconds timeout) {
  std::error_code error;
  socket_ = connect_to_loopback(port, timeout, error);
  if (error) throw std::system_error(error, "connect to 127.0.0.1:" + std::to_string(port));
}

std::optional<raw_tcp_client> raw_tcp_client::try_connect(std::uint16_t port, std::chrono::milliseconds timeout) {
  std::error_code error;
  unique_fd socket = connect_to_loopback(port, timeout, error);
  if (!error) return raw_tcp_client(std::move(socket));
  if (error == std::errc::connection_refused || error == std::errc::timed_out) return std::nullopt;
  throw std::system_error(error, "connect to 127.0.0.1:" + std::to_string(port));
}

bool raw_tcp_client::send_bytes(std::string_view bytes, std::chrono::milliseconds timeout) {
  const deadline until(timeout);
  while (!bytes.empty()) {
    // MSG_NOSIGNAL: a peer that has closed gives EPIPE, not a SIGPIPE killing the test.
    const ssize_t count = ::send(socket_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (count >= 0)
      bytes.remove_prefix(static_cast<std::size_t>(count));
    else if (errno == EAGAIN) {
      if (!wait_ready(socket_, POLLOUT, until)) return false;
    } else if (errno != EINTR)
      return false;  // EPIPE, ECONNRESET: the peer is gone
  }
  return true;
}

void raw_tcp_client::shutdown_sending() { ::shutdown(socket_.get(), SHUT_WR); }

void raw_tcp_client::receive_once(int timeout_ms) {
  pollfd entry{socket_.get(), POLLIN, 0};
  const int ready = ::poll(&entry, 1, timeout_ms);
  if (ready < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
  if (ready <= 0) return;
  std::array<char, 64 * 1024> buffer;
  const ssize_t count = ::recv(socket_.get(), buffer.data(), buffer.size(), 0);
  if (count > 0)
    received_.append(buffer.data(), static_cast<std::size_t>(count));
  else if (count == 0 || (errno != EAGAIN && errno != EINTR))
    peer_closed_ = true;  // end of file, or ECONNRESET: the server closed with unread data
}

template <typename Condition>
void raw_tcp_client::receive_until(const deadline& until, Condition done) {
  for (;;) {
    if (done() || peer_closed_) return;
    const bool last_round = until.expired();  // still take what has already arrived
    receive_once(until.poll_timeout());
    if (last_round) return;
  }
}

std::string raw_tcp_client::receive_some(std::chrono::milliseconds timeout) {
  receive_until(deadline(timeout), [this] { return !received_.empty(); });
  return std::exchange(received_, {});
}

std::optional<std::string> raw_tcp_client::receive_exactly(std::size_t count, std::chrono::milliseconds timeout) {
  receive_until(deadline(timeout), [this, count] { return received_.size() >= count; });
  if (received_.size() < count) return std::nullopt;
  std::string taken = received_.substr(0, count);
  received_.erase(0, count);
  return taken;
}

bool raw_tcp_client::wait_closed(std::chrono::milliseconds timeout) {
  receive_until(deadline(timeout), [] { return false; });
  return peer_closed_;
}

}  // namespace imchat::test
