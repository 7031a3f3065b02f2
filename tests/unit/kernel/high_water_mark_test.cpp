// A queue's high-water mark: an in-process sender that finds the queue full waits until
// the queue's owner takes a message, and then goes on; nothing is dropped, nothing is
// reordered. (A remote sender is held back through TCP instead: global_binding_test.cpp.)

#include "application_thread.hpp"
#include "message_texts.hpp"

#include "kernel/api_thread.hpp"
#include "support/eventually.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <thread>

using namespace std::chrono_literals;
using imchat::api_thread;
using imchat::exchange_id;
using imchat::message;
using imchat::scope;
using imchat::test::application_thread;
using imchat::test::numbered;
using imchat::test::receive_texts;

namespace {

// How long a sender must stay blocked to count as waiting: long enough that one that
// was not would have sent its next message by then; a passing test pays it per check.
constexpr auto still_waiting = 300ms;

// Waits (up to a generous deadline, for a loaded machine) until `sent` reaches `count`,
// then checks it stays there and the sender is still busy: it waits, and not merely late.
void check_sender_stops_at(const std::atomic<int>& sent, int count, std::future<void>& sending) {
  imchat::test::eventually([&] { return sent.load() >= count; });
  REQUIRE(sent.load() == count);
  CHECK(sending.wait_for(still_waiting) == std::future_status::timeout);
  CHECK(sent.load() == count);
}

imchat::kernel_options queue_limits(std::size_t messages, std::size_t bytes) {
  imchat::kernel_options options;
  options.queue.max_messages = messages;
  options.queue.max_bytes = bytes;
  return options;
}

struct wired_pair {
  imchat::dispatcher dispatcher{2};
  application_thread receiver;
  application_thread sender{dispatcher};
  exchange_id out;

  explicit wired_pair(imchat::kernel_options receiver_options) : receiver(dispatcher, nullptr, receiver_options) {
    receiver.call([](api_thread& api) { api.create_queue("Q", scope::process); });
    out = sender.call([](api_thread& api) {
      const auto id = api.create_exchange("E");
      api.bind("E", "Q");
      return id;
    });
  }
  // A failed check may leave the sender waiting for room: make room, or its thread
  // could never be joined.
  ~wired_pair() {
    try {
      receiver.call([](api_thread& api) {
        while (api.receive(200ms)) {
        }
      }, 60s);
    } catch (...) {
    }
  }
  wired_pair(const wired_pair&) = delete;
  wired_pair& operator=(const wired_pair&) = delete;
};

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("kernel: a sender to a queue full by message count waits until the owner receives") {
  wired_pair pair(queue_limits(2, 1 << 20));
  std::atomic<int> sent{0};
  auto sending = pair.sender.run([&](api_thread& api) {
    for (const auto& text : numbered("m", 4)) {
      api.send(pair.out, message(text));
      ++sent;
    }
  });

  // Two fit; the third waits for room.
  check_sender_stops_at(sent, 2, sending);

  // Each message taken makes room for exactly one more.
  CHECK(pair.receiver.call([](api_thread& api) { return receive_texts(api, 1, 5s); }) == numbered("m", 1));
  check_sender_stops_at(sent, 3, sending);

  const auto rest = pair.receiver.call([](api_thread& api) { return receive_texts(api, 3, 5s); });
  CHECK(rest == std::vector<std::string>{"m 2", "m 3", "m 4"});
  CHECK(sending.wait_for(5s) == std::future_status::ready);
  CHECK(sent.load() == 4);
}

TEST_CASE("kernel: a sender to a queue full by bytes waits until the owner receives") {
  wired_pair pair(queue_limits(1000, 100));
  const std::string sixty(60, 'x');
  std::atomic<int> sent{0};
  auto sending = pair.sender.run([&](api_thread& api) {
    for (int i = 0; i < 3; ++i) {
      api.send(pair.out, message(sixty));
      ++sent;
    }
  });

  // 60 bytes fit in 100; 120 would not.
  check_sender_stops_at(sent, 1, sending);
  CHECK(pair.receiver.call([](api_thread& api) { return receive_texts(api, 3, 5s); }).size() == 3);
  CHECK(sending.wait_for(5s) == std::future_status::ready);
}

TEST_CASE("kernel: an empty queue takes one message larger than its byte limit") {
  wired_pair pair(queue_limits(1000, 100));
  const std::string large(500, 'x');
  auto sending = pair.sender.run([&](api_thread& api) { api.send(pair.out, message(large)); });
  // Otherwise nothing could ever pass it.
  CHECK(sending.wait_for(5s) == std::future_status::ready);
  CHECK(pair.receiver.call([](api_thread& api) { return receive_texts(api, 1, 5s); }) ==
        std::vector<std::string>{large});
}

TEST_CASE("kernel: a burst through a small queue arrives complete and in order") {
  wired_pair pair(queue_limits(3, 1 << 20));
  const auto burst = numbered("burst", 2000);
  auto sending = pair.sender.run([&](api_thread& api) { imchat::test::send_all(api, pair.out, burst); });
  CHECK(pair.receiver.call([&](api_thread& api) { return receive_texts(api, burst.size(), 20s); }, 30s) == burst);
  CHECK(sending.wait_for(5s) == std::future_status::ready);
}

}  // TEST_SUITE
