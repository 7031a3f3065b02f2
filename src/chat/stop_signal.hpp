#pragma once
// SIGINT and SIGTERM as a stop request the programs can poll, instead of an abrupt exit:
// they are blocked in every thread and taken by one waiting thread, so no library thread
// is interrupted mid-call. A second signal while stopping exits at once.

#include <atomic>
#include <thread>

namespace imchat::chat {

class stop_signal {
 public:
  // Must be created before any other thread, so that they inherit the blocked mask.
  stop_signal();
  ~stop_signal();
  stop_signal(const stop_signal&) = delete;
  stop_signal& operator=(const stop_signal&) = delete;

  bool requested() const noexcept { return requested_.load(); }
  // The signal that asked to stop (0 if none).
  int signal_number() const noexcept { return signal_.load(); }

 private:
  std::atomic<bool> requested_{false};
  std::atomic<int> signal_{0};
  std::thread waiter_;
};

}  // namespace imchat::chat
