#pragma once
// Flow control for a benchmark that holds both ends: the senders wait while more than
// `window` messages are sent and not yet taken by the slowest group of displays. Without
// it, senders that outrun the displays only measure how the room sheds load (a slow
// subscriber is disconnected, a libzmq PUB drops past its high-water mark); with it, the
// figures are the throughput the room sustains with nothing lost. Standard library only.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

namespace imchat::bench {

class send_window {
 public:
  send_window(std::uint64_t window, std::size_t groups) : window_(window), taken_(groups) {}

  // A display group reports how many messages it has taken.
  void taken(std::size_t group, std::uint64_t messages) noexcept { taken_[group].store(messages); }

  // Waits while `sent` is more than the window ahead of the slowest group, or until `stop`.
  void wait(std::uint64_t sent, const std::atomic<bool>& stop) const {
    if (window_ == 0) return;
    while (!stop && sent > slowest() + window_) std::this_thread::sleep_for(std::chrono::microseconds(50));
  }

 private:
  std::uint64_t slowest() const noexcept {
    std::uint64_t least = UINT64_MAX;
    for (const auto& group : taken_) least = std::min(least, group.load());
    return least;
  }

  const std::uint64_t window_;
  std::vector<std::atomic<std::uint64_t>> taken_;
};

}  // namespace imchat::bench
