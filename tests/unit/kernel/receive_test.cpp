// Receiving without blocking forever: try_receive() returns at once, receive(timeout)
// waits at most the timeout, and either returns a message as soon as one arrives.

#include "application_thread.hpp"
#include "message_texts.hpp"

#include "kernel/api_thread.hpp"

#include <doctest/doctest.h>

#include <future>

using namespace std::chrono_literals;
using imchat::api_thread;
using imchat::scope;
using imchat::test::application_thread;
using imchat::test::send_all;
using clock_type = std::chrono::steady_clock;

namespace {

std::chrono::milliseconds elapsed_since(clock_type::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);
}

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("kernel: try_receive returns nothing at once from an empty queue and a message when there is one") {
  imchat::dispatcher dispatcher(1);
  application_thread thread(dispatcher);
  const auto results = thread.call([](api_thread& api) {
    const auto out = api.create_exchange("E");
    api.create_queue("Q");
    api.bind("E", "Q");
    const auto start = clock_type::now();
    const bool empty_at_first = !api.try_receive();
    const auto waited = elapsed_since(start);
    send_all(api, out, {"here"});
    const auto then = api.try_receive();
    return std::tuple{empty_at_first, waited, then ? std::string(then->text()) : "nothing"};
  });
  CHECK(std::get<0>(results));
  CHECK(std::get<1>(results) < 1000ms);  // no waiting: generous only for a loaded machine
  CHECK(std::get<2>(results) == "here");
}

TEST_CASE("kernel: receive_many takes everything ready at once - up to its maximum - and says which queue each came from") {
  imchat::dispatcher dispatcher(1);
  application_thread thread(dispatcher);
  const auto [first, second, rest, empty] = thread.call([](api_thread& api) {
    const auto a = api.create_exchange("A");
    const auto b = api.create_exchange("B");
    api.create_queue("QA");
    api.create_queue("QB");
    api.bind("A", "QA");
    api.bind("B", "QB");
    send_all(api, a, {"a1", "a2", "a3"});
    send_all(api, b, {"b1"});
    const auto take = [&api](std::size_t max) {
      std::vector<imchat::message> got;
      std::vector<std::size_t> queues;
      const auto n = api.receive_many(got, max, 1000ms, &queues);
      std::vector<std::string> texts;
      for (std::size_t i = 0; i < got.size(); ++i) texts.push_back(std::string(got[i].text()) + "@" + std::to_string(queues[i]));
      REQUIRE(n == got.size());
      return texts;
    };
    auto first_two = take(2);
    auto next_one = take(1);
    auto remaining = take(100);
    std::vector<imchat::message> none;
    const bool nothing = api.receive_many(none, 10, 10ms) == 0 && none.empty();
    return std::tuple{first_two, next_one, remaining, nothing};
  });
  // Each queue for what it holds, in its order; the next call starts with the next queue,
  // so that a busy queue cannot starve the others. Queues by their creation order.
  CHECK(first == std::vector<std::string>{"a1@0", "a2@0"});
  CHECK(second == std::vector<std::string>{"b1@1"});
  CHECK(rest == std::vector<std::string>{"a3@0"});
  CHECK(empty);
}

TEST_CASE("kernel: a thread without queues receives nothing") {
  imchat::dispatcher dispatcher(1);
  application_thread thread(dispatcher);
  CHECK(thread.call([](api_thread& api) { return !api.try_receive() && !api.receive(10ms); }));
}

TEST_CASE("kernel: receive with a timeout gives up after the timeout on an empty queue") {
  imchat::dispatcher dispatcher(1);
  application_thread thread(dispatcher);
  const auto [got, waited] = thread.call([](api_thread& api) {
    api.create_queue("Q");
    const auto start = clock_type::now();
    const auto m = api.receive(150ms);
    return std::pair{m.has_value(), elapsed_since(start)};
  });
  CHECK_FALSE(got);
  CHECK(waited >= 150ms);
  CHECK(waited < 5000ms);
}

TEST_CASE("kernel: receive with a timeout returns as soon as a message arrives") {
  imchat::dispatcher dispatcher(2);
  application_thread receiver(dispatcher), sender(dispatcher);
  receiver.call([](api_thread& api) { api.create_queue("Q", scope::process); });
  const auto out = sender.call([](api_thread& api) {
    const auto id = api.create_exchange("E");
    api.bind("E", "Q");
    return id;
  });

  // The receiver is already waiting (up to a minute) when the message is sent.
  std::promise<void> waiting;
  auto receiving = receiver.run([&waiting](api_thread& api) {
    waiting.set_value();
    const auto start = clock_type::now();
    const auto m = api.receive(60s);
    return std::pair{m ? std::string(m->text()) : "nothing", elapsed_since(start)};
  });
  waiting.get_future().wait();
  sender.call([&](api_thread& api) { send_all(api, out, {"wake up"}); });

  REQUIRE(receiving.wait_for(10s) == std::future_status::ready);
  const auto [text, waited] = receiving.get();
  CHECK(text == "wake up");
  CHECK(waited < 10s);
}

TEST_CASE("kernel: receive takes from every queue of the thread in turn") {
  imchat::dispatcher dispatcher(1);
  application_thread thread(dispatcher);
  const auto got = thread.call([](api_thread& api) {
    const auto to_first = api.create_exchange("E1");
    const auto to_second = api.create_exchange("E2");
    api.create_queue("Q1");
    api.create_queue("Q2");
    api.bind("E1", "Q1");
    api.bind("E2", "Q2");
    send_all(api, to_first, {"first 1", "first 2"});
    send_all(api, to_second, {"second 1", "second 2"});
    return imchat::test::drain_texts(api);
  });
  // Neither queue waits for the other to be empty.
  CHECK(got == std::vector<std::string>{"first 1", "second 1", "first 2", "second 2"});
}

}  // TEST_SUITE
