#include "support/deadline.hpp"

#include <algorithm>

namespace imchat::test {

deadline::deadline(std::chrono::milliseconds timeout)
    : end_(std::chrono::steady_clock::now() + timeout) {}

bool deadline::expired() const { return std::chrono::steady_clock::now() >= end_; }

int deadline::poll_timeout(std::chrono::milliseconds at_most) const {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(end_ - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp(left, std::chrono::milliseconds::zero(), at_most).count());
}

}  // namespace imchat::test
