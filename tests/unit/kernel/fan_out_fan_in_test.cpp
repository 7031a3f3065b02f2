// An exchange bound to several queues gives each of them every message; a queue bound to
// several exchanges gets every message of each, each sender's in the order it sent them.

#include "application_thread.hpp"
#include "message_texts.hpp"

#include "kernel/api_thread.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <future>
#include <vector>

using namespace std::chrono_literals;
using imchat::api_thread;
using imchat::exchange_id;
using imchat::message;
using imchat::scope;
using imchat::test::application_thread;
using imchat::test::numbered;
using imchat::test::receive_texts;
using imchat::test::send_all;
using imchat::test::starting_with;

namespace {

// Payloads that a text-only path would mangle: zero bytes, every byte value, sizes from
// empty to 64 KiB.
std::vector<std::vector<std::byte>> awkward_payloads() {
  std::vector<std::vector<std::byte>> payloads;
  payloads.emplace_back();
  payloads.push_back({std::byte{0}});
  std::vector<std::byte> every_value;
  for (int value = 0; value < 256; ++value) every_value.push_back(static_cast<std::byte>(value));
  payloads.push_back(every_value);
  std::vector<std::byte> large(64 * 1024);
  for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<std::byte>(i * 7 % 251);
  payloads.push_back(large);
  for (int i = 0; i < 100; ++i) payloads.push_back({static_cast<std::byte>(i), std::byte{0}, static_cast<std::byte>(i)});
  return payloads;
}

std::vector<std::byte> bytes_of(const message& m) { return {m.data().begin(), m.data().end()}; }

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("kernel: fan-out gives every bound queue exact copies in order") {
  constexpr std::size_t receivers = 3;
  imchat::dispatcher dispatcher(1 + receivers);
  application_thread sender(dispatcher);
  std::array<std::unique_ptr<application_thread>, receivers> queues;
  for (std::size_t i = 0; i < receivers; ++i) {
    queues[i] = std::make_unique<application_thread>(dispatcher);
    queues[i]->call([i](api_thread& api) { api.create_queue("Q" + std::to_string(i), scope::process); });
  }
  const auto out = sender.call([&](api_thread& api) {
    const auto id = api.create_exchange("E");
    for (std::size_t i = 0; i < receivers; ++i) api.bind("E", "Q" + std::to_string(i));
    return id;
  });

  const auto payloads = awkward_payloads();
  // The receivers take while the sender sends, so the three copies are read concurrently.
  std::array<std::future<std::vector<std::vector<std::byte>>>, receivers> received;
  for (std::size_t i = 0; i < receivers; ++i)
    received[i] = queues[i]->run([&](api_thread& api) {
      std::vector<std::vector<std::byte>> got;
      while (got.size() < payloads.size()) {
        const auto m = api.receive(10s);
        if (!m) break;
        got.push_back(bytes_of(*m));
      }
      return got;
    });
  sender.call([&](api_thread& api) {
    for (const auto& payload : payloads) api.send(out, message(std::span<const std::byte>(payload)));
  });

  for (std::size_t i = 0; i < receivers; ++i) {
    CAPTURE(i);
    REQUIRE(received[i].wait_for(20s) == std::future_status::ready);
    const auto got = received[i].get();
    CHECK(got.size() == payloads.size());
    CHECK(got == payloads);
    CHECK(queues[i]->call([](api_thread& api) { return !api.try_receive(); }));
  }
}

TEST_CASE("kernel: fan-in keeps each sender's order in one queue bound to three exchanges") {
  constexpr std::size_t senders = 3;
  constexpr std::size_t per_sender = 2000;
  imchat::dispatcher dispatcher(1 + senders);
  application_thread receiver(dispatcher);
  receiver.call([](api_thread& api) { api.create_queue("Q", scope::process); });
  std::array<std::unique_ptr<application_thread>, senders> exchanges;
  std::array<exchange_id, senders> ids;
  for (std::size_t i = 0; i < senders; ++i) {
    exchanges[i] = std::make_unique<application_thread>(dispatcher);
    ids[i] = exchanges[i]->call([](api_thread& api) {
      const auto id = api.create_exchange("E");  // local: every thread may use the same name
      api.bind("E", "Q");
      return id;
    });
  }

  // All three send at once, so their messages interleave in the queue.
  std::array<std::future<void>, senders> sending;
  for (std::size_t i = 0; i < senders; ++i)
    sending[i] = exchanges[i]->run([&, i](api_thread& api) {
      send_all(api, ids[i], numbered("sender" + std::to_string(i), per_sender));
    });
  const auto got = receiver.call([](api_thread& api) { return receive_texts(api, senders * per_sender, 20s); }, 30s);
  for (auto& each : sending) each.get();

  CHECK(got.size() == senders * per_sender);
  for (std::size_t i = 0; i < senders; ++i) {
    CAPTURE(i);
    CHECK(starting_with(got, "sender" + std::to_string(i) + " ") == numbered("sender" + std::to_string(i), per_sender));
  }
  CHECK(receiver.call([](api_thread& api) { return !api.try_receive(); }));
}

}  // TEST_SUITE
