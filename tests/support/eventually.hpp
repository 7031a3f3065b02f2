#pragma once
// Polling for a condition that becomes true through another process (a name freed when a
// killed registrant's connection closes, a re-registration after a restart), with a
// deadline instead of a sleep.

#include "support/deadline.hpp"

#include <chrono>
#include <thread>

namespace imchat::test {

// True as soon as `condition()` is; false if it still is not when the timeout passes.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = default_timeout) {
  const deadline until(timeout);
  for (;;) {
    if (condition()) return true;
    if (until.expired()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(until.poll_timeout(std::chrono::milliseconds(20))));
  }
}

}  // namespace imchat::test
