#pragma once
// Plays the service manager's side of sd_notify: a datagram socket bound at a path (or
// "@name" in the abstract namespace) that a child's $NOTIFY_SOCKET can name.

#include <chrono>
#include <optional>
#include <string>

#include "support/unique_fd.hpp"

namespace imchat::test {

class notify_listener {
 public:
  explicit notify_listener(std::string name);
  ~notify_listener();
  notify_listener(const notify_listener&) = delete;
  notify_listener& operator=(const notify_listener&) = delete;

  // What to put in NOTIFY_SOCKET.
  const std::string& name() const noexcept { return name_; }

  // The next datagram, or nullopt if none arrives in time.
  std::optional<std::string> receive(std::chrono::milliseconds timeout);

  // Receives until a datagram contains `needle` (returning it), or the time is up.
  std::optional<std::string> receive_containing(const std::string& needle, std::chrono::milliseconds timeout);

 private:
  std::string name_;
  unique_fd socket_;
};

}  // namespace imchat::test
