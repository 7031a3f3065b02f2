#pragma once
// How long the test helpers wait for something to happen, and the deadline arithmetic
// every wait shares.

#include <chrono>

namespace imchat::test {

// Generous on purpose: sanitizer builds on a loaded 2-core machine are slow, and a wait
// that succeeds returns as soon as its condition holds, so only failing tests pay it.
inline constexpr std::chrono::milliseconds default_timeout{10'000};

// The moment a wait gives up, on the steady clock so wall-clock jumps cannot shorten it.
class deadline {
 public:
  explicit deadline(std::chrono::milliseconds timeout);

  bool expired() const;

  // The time left as poll() wants it: whole milliseconds rounded up (so a wait never
  // spins on a zero timeout before the end), 0 once expired, never more than `at_most`.
  int poll_timeout(std::chrono::milliseconds at_most = std::chrono::hours(24)) const;

 private:
  std::chrono::steady_clock::time_point end_;
};

}  // namespace imchat::test
