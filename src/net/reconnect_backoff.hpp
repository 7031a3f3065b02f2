#pragma once
// Delays between reconnection attempts: exponential from `min` to `max`, with jitter so
// that many clients cut off at once do not come back in lock-step.

#include <chrono>
#include <random>

namespace imchat::net {

class reconnect_backoff {
 public:
  reconnect_backoff(std::chrono::milliseconds min, std::chrono::milliseconds max)
      : min_(min), max_(max), next_(min), random_(std::random_device{}()) {}

  // The delay before the next attempt: uniformly in [d/2, d], where d doubles each time.
  std::chrono::milliseconds next() {
    const auto base = next_;
    next_ = std::min(next_ * 2, max_);
    std::uniform_int_distribution<long> jitter(static_cast<long>(base.count() / 2),
                                               static_cast<long>(base.count()));
    return std::chrono::milliseconds(jitter(random_));
  }

  // After a success: the next failure starts again from `min`.
  void reset() { next_ = min_; }

 private:
  std::chrono::milliseconds min_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
  std::minstd_rand random_;
};

}  // namespace imchat::net
