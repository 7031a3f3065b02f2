#pragma once
// The service manager's notification protocol (sd_notify(3)), which is small enough to
// speak directly: one datagram of "KEY=VALUE" lines to the AF_UNIX socket named by
// $NOTIFY_SOCKET (a path, or "@name" for the abstract namespace). Outside systemd the
// variable is unset and every call does nothing.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace imchat {

class systemd_notifier {
 public:
  // Reads $NOTIFY_SOCKET and $WATCHDOG_USEC (honouring $WATCHDOG_PID when set).
  systemd_notifier();

  // Whether a service manager is listening.
  bool enabled() const noexcept { return enabled_; }

  // Sends `state` ("READY=1", "STATUS=...", "STOPPING=1", "WATCHDOG=1"); returns false if
  // it could not be sent (or nobody listens).
  bool notify(std::string_view state) const;

  // How often to send WATCHDOG=1 (half of WatchdogSec=), when the manager asks for it.
  std::optional<std::chrono::microseconds> watchdog_interval() const noexcept { return watchdog_interval_; }

  // Sends WATCHDOG=1 if the manager wants pings and one is due; call it from the loop
  // that proves the service alive, at least as often as watchdog_interval().
  void keep_alive();

 private:
  bool enabled_ = false;
  std::string socket_path_;
  std::optional<std::chrono::microseconds> watchdog_interval_;
  std::chrono::steady_clock::time_point next_ping_{};
};

}  // namespace imchat
