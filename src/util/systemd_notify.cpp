#include "util/systemd_notify.hpp"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace imchat {
namespace {

std::optional<unsigned long long> number_from_environment(const char* name) {
  const char* text = std::getenv(name);
  if (!text || !*text) return std::nullopt;
  unsigned long long value = 0;
  const auto end = text + std::strlen(text);
  const auto [stop, ec] = std::from_chars(text, end, value);
  if (ec != std::errc{} || stop != end) return std::nullopt;
  return value;
}

}  // namespace

systemd_notifier::systemd_notifier() {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path && (path[0] == '/' || path[0] == '@') && std::strlen(path) < sizeof(sockaddr_un::sun_path)) {
    enabled_ = true;
    socket_path_ = path;
  }
  const auto usec = number_from_environment("WATCHDOG_USEC");
  const auto pid = number_from_environment("WATCHDOG_PID");
  if (usec && *usec > 0 && (!pid || *pid == static_cast<unsigned long long>(::getpid())))
    watchdog_interval_ = std::chrono::microseconds(*usec / 2);
}

void systemd_notifier::keep_alive() {
  if (!watchdog_interval_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_ping_) return;
  notify("WATCHDOG=1");
  next_ping_ = now + *watchdog_interval_;
}

bool systemd_notifier::notify(std::string_view state) const {
  if (!enabled_) return false;
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';  // the abstract namespace
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());
  const auto sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                             reinterpret_cast<const sockaddr*>(&address), length);
  ::close(fd);
  return sent == static_cast<ssize_t>(state.size());
}

}  // namespace imchat
