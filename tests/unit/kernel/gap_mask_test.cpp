// Gap notices are off by default: receive() only returns one after mask(message_type::gap).
// In-process, a gap is what a thread gets when it sends to its own full queue (it cannot
// wait for itself, so the message is dropped and the gap says so). Gaps from a broken
// connection are tested with global objects (global_binding_test.cpp).

#include "application_thread.hpp"
#include "message_texts.hpp"

#include "kernel/api_thread.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using imchat::api_thread;
using imchat::exchange_id;
using imchat::message_type;
using imchat::test::application_thread;
using imchat::test::drain_texts;
using imchat::test::send_all;

namespace {

// A thread's exchange bound to its own queue.
exchange_id wire_to_itself(api_thread& api) {
  const auto out = api.create_exchange("E");
  api.create_queue("Q");
  api.bind("E", "Q");
  return out;
}

// Queues that hold two messages, so that the third one sent finds the queue full.
imchat::kernel_options two_message_queues() {
  imchat::kernel_options options;
  options.queue.max_messages = 2;
  return options;
}

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("kernel: a gap notice reaches receive() only after mask(gap)") {
  imchat::dispatcher dispatcher(1);
  application_thread thread(dispatcher, nullptr, two_message_queues());

  SUBCASE("unmasked: the gap is skipped") {
    CHECK(thread.call([](api_thread& api) {
      send_all(api, wire_to_itself(api), {"one", "two", "three"});
      return drain_texts(api);
    }) == std::vector<std::string>{"one", "two"});
  }
  SUBCASE("masked: the gap is returned where the message went missing") {
    CHECK(thread.call([](api_thread& api) {
      api.mask(message_type::gap);
      send_all(api, wire_to_itself(api), {"one", "two", "three"});
      return drain_texts(api);
    }) == std::vector<std::string>{"one", "two", "<gap>"});
  }
  SUBCASE("masked: one gap for a run of lost messages, then the stream goes on") {
    CHECK(thread.call([](api_thread& api) {
      api.mask(message_type::gap);
      const auto out = wire_to_itself(api);
      send_all(api, out, {"one", "two", "three", "four"});
      auto got = drain_texts(api);
      send_all(api, out, {"five"});  // the queue is empty again: this one fits
      const auto more = drain_texts(api);
      got.insert(got.end(), more.begin(), more.end());
      return got;
    }) == std::vector<std::string>{"one", "two", "<gap>", "five"});
  }
}

TEST_CASE("kernel: a gap notice is a message of type gap with no bytes") {
  imchat::dispatcher dispatcher(1);
  application_thread thread(dispatcher, nullptr, two_message_queues());
  const auto gap = thread.call([](api_thread& api) {
    api.mask(message_type::gap);
    send_all(api, wire_to_itself(api), {"one", "two", "three"});
    api.try_receive();
    api.try_receive();
    return api.try_receive();
  });
  REQUIRE(gap.has_value());
  CHECK(gap->type() == message_type::gap);
  CHECK(gap->size() == 0);
}

}  // TEST_SUITE
