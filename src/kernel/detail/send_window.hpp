#pragma once
// Flow control from a remote queue back to the application thread that sends to it: how
// many messages (and bytes) may be on their way, sent but not yet acknowledged. The
// sender takes room before a message leaves and waits while there is none; the binding
// gives room back as acknowledgements arrive. So a fast sender is held to the queue's
// pace, and while the queue is unreachable it waits instead of losing messages, as a
// ZeroMQ PUSH socket does at its high-water mark.

#include "kernel/options.hpp"
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>

namespace imchat::detail {

class send_window {
 public:
  explicit send_window(window_limits limits) : limits_(limits) {}

  // Takes room for one message of `bytes`, waiting until `deadline` (forever when none).
  // An empty window always has room, so that no single message can jam it.
  bool acquire(std::size_t bytes, std::optional<std::chrono::steady_clock::time_point> deadline);
  // Gives back room for messages acknowledged (or taken back after a failed send).
  void release(std::size_t messages, std::size_t bytes);

  std::size_t in_flight() const;

 private:
  bool has_room(std::size_t bytes) const noexcept;

  const window_limits limits_;
  mutable std::mutex mutex_;
  std::condition_variable room_;
  std::size_t messages_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace imchat::detail
