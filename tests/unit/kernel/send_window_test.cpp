// A publisher's send window: room by messages and by bytes, waiting with and without a
// deadline, and release() waking a sender that waits. No test depends on tight timing:
// deadlines that must pass are short, and waits that must end are bounded generously.

#include "kernel/detail/send_window.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

using namespace std::chrono_literals;
using imchat::detail::send_window;
using imchat::window_limits;

namespace {

// A deadline that has already passed: acquire() answers at once.
std::chrono::steady_clock::time_point past() { return std::chrono::steady_clock::now() - 1s; }
// A deadline that is soon enough for a test to wait for.
std::chrono::steady_clock::time_point soon() { return std::chrono::steady_clock::now() + 50ms; }

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("send_window: counts messages in flight and gives room back on release") {
  send_window window(window_limits{.max_messages = 3, .max_bytes = 1000});
  CHECK(window.in_flight() == 0);
  CHECK(window.acquire(10, past()));
  CHECK(window.acquire(10, past()));
  CHECK(window.in_flight() == 2);
  window.release(1, 10);
  CHECK(window.in_flight() == 1);
  window.release(1, 10);
  CHECK(window.in_flight() == 0);
}

TEST_CASE("send_window: an empty window admits one message larger than max_bytes") {
  send_window window(window_limits{.max_messages = 10, .max_bytes = 100});
  CHECK(window.acquire(1'000'000, past()));
  CHECK(window.in_flight() == 1);
  // ...but nothing else after it while it is in flight, not even an empty message.
  CHECK_FALSE(window.acquire(0, past()));
  CHECK_FALSE(window.acquire(1, past()));
  window.release(1, 1'000'000);
  CHECK(window.acquire(1'000'000, past()));
}

TEST_CASE("send_window: an empty window admits one message even with max_messages 0") {
  send_window window(window_limits{.max_messages = 0, .max_bytes = 0});
  CHECK(window.acquire(5, past()));
  CHECK_FALSE(window.acquire(5, past()));
}

TEST_CASE("send_window: room is limited by the number of messages") {
  send_window window(window_limits{.max_messages = 3, .max_bytes = 1'000'000});
  CHECK(window.acquire(1, past()));
  CHECK(window.acquire(1, past()));
  CHECK(window.acquire(1, past()));
  CHECK_FALSE(window.acquire(1, past()));
  CHECK_FALSE(window.acquire(0, past()));
  CHECK(window.in_flight() == 3);
  window.release(1, 1);
  CHECK(window.acquire(1, past()));
  CHECK_FALSE(window.acquire(1, past()));
}

TEST_CASE("send_window: room is limited by the bytes in flight") {
  send_window window(window_limits{.max_messages = 100, .max_bytes = 100});
  CHECK(window.acquire(60, past()));
  CHECK(window.acquire(40, past()));  // exactly max_bytes
  CHECK_FALSE(window.acquire(1, past()));
  window.release(1, 60);
  CHECK_FALSE(window.acquire(61, past()));
  CHECK(window.acquire(60, past()));
  CHECK(window.in_flight() == 2);
}

TEST_CASE("send_window: releasing bytes alone makes room for bytes") {
  send_window window(window_limits{.max_messages = 100, .max_bytes = 100});
  CHECK(window.acquire(100, past()));
  CHECK(window.acquire(0, past()));
  CHECK_FALSE(window.acquire(50, past()));
  window.release(0, 50);
  CHECK(window.in_flight() == 2);
  CHECK(window.acquire(50, past()));
}

TEST_CASE("send_window: releasing more than is in flight empties the window without wrapping") {
  send_window window(window_limits{.max_messages = 2, .max_bytes = 100});
  CHECK(window.acquire(50, past()));
  window.release(5, 5000);
  CHECK(window.in_flight() == 0);
  // Had the counts wrapped around, the window would look full.
  CHECK(window.acquire(60, past()));
  CHECK(window.acquire(40, past()));
  CHECK_FALSE(window.acquire(1, past()));
}

TEST_CASE("send_window: acquire times out at its deadline when there is no room") {
  send_window window(window_limits{.max_messages = 1, .max_bytes = 1000});
  REQUIRE(window.acquire(1, past()));
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = soon();
  CHECK_FALSE(window.acquire(1, deadline));
  // It did wait (up to the deadline), and it did not wait forever.
  CHECK(std::chrono::steady_clock::now() >= deadline);
  CHECK(std::chrono::steady_clock::now() - started < 30s);
  CHECK(window.in_flight() == 1);
}

TEST_CASE("send_window: a blocked acquire in another thread is released by release") {
  send_window window(window_limits{.max_messages = 1, .max_bytes = 1000});
  REQUIRE(window.acquire(10, past()));
  std::atomic<bool> returned = false;

  SUBCASE("without a deadline") {
    auto waiter = std::async(std::launch::async, [&] {
      const bool got = window.acquire(10, std::nullopt);
      returned = true;
      return got;
    });
    // It waits while the window is full (not a timing claim: only that it has not got
    // room it could not have).
    CHECK(waiter.wait_for(50ms) == std::future_status::timeout);
    CHECK_FALSE(returned.load());
    window.release(1, 10);
    REQUIRE(waiter.wait_for(30s) == std::future_status::ready);
    CHECK(waiter.get());
  }
  SUBCASE("with a distant deadline") {
    auto waiter = std::async(std::launch::async, [&] {
      const bool got = window.acquire(10, std::chrono::steady_clock::now() + 60s);
      returned = true;
      return got;
    });
    CHECK(waiter.wait_for(50ms) == std::future_status::timeout);
    CHECK_FALSE(returned.load());
    window.release(1, 10);
    REQUIRE(waiter.wait_for(30s) == std::future_status::ready);
    CHECK(waiter.get());
  }
  CHECK(window.in_flight() == 1);
}

TEST_CASE("send_window: a release too small for the waiting message keeps it waiting") {
  send_window window(window_limits{.max_messages = 10, .max_bytes = 100});
  REQUIRE(window.acquire(50, past()));
  REQUIRE(window.acquire(50, past()));
  auto waiter = std::async(std::launch::async, [&] { return window.acquire(30, std::nullopt); });
  window.release(0, 10);  // 90 in flight: 30 more do not fit
  CHECK(waiter.wait_for(50ms) == std::future_status::timeout);
  window.release(1, 40);  // 50 in flight
  REQUIRE(waiter.wait_for(30s) == std::future_status::ready);
  CHECK(waiter.get());
  CHECK(window.in_flight() == 2);
}
}  // TEST_SUITE
