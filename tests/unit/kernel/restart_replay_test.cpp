// A global exchange's history for a subscriber that presents an earlier incarnation (the
// exchange's process restarted, so the numbers it saw mean nothing here): while this
// incarnation is young (history_limits::restart_replay) it is sent everything this one
// published, so a display misses nothing said since a restart; later, a stale or forged
// incarnation opens nothing: it gets what it asked for, as a new subscriber does. Real
// exchange, real TCP; the subscriber is a raw wire client.

#include "kernel/api_thread.hpp"
#include "support/raw_tcp_client.hpp"
#include "wire/control_frames.hpp"
#include "wire/error.hpp"
#include "wire/frame_decoder.hpp"
#include "wire/greeting.hpp"
#include "message_texts.hpp"
#include "simulated_process.hpp"
#include "test_directory.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace std::chrono_literals;
using imchat::api_thread;
using imchat::scope;
using imchat::test::raw_tcp_client;
using imchat::test::send_all;
using imchat::test::simulated_process;
using imchat::test::test_directory;
namespace wire = imchat::wire;

namespace {

constexpr std::uint64_t earlier_incarnation = 0x0123'4567'89ab'cdef;

// Subscribes to E_room at `port` as a subscriber of `incarnation` that asks for `history`;
// returns where the exchange starts its stream and how many messages arrive in `within`.
std::pair<std::uint64_t, std::size_t> subscribe(std::uint16_t port, std::uint64_t incarnation,
                                                std::uint32_t history, std::chrono::milliseconds within) {
  raw_tcp_client client(port);
  wire::bytes out;
  const auto greeting = wire::encode_greeting(wire::role::kernel_peer);
  out.insert(out.end(), greeting.begin(), greeting.end());
  wire::encode(out, wire::attach_request{wire::attach_direction::subscribe, "E_room", incarnation, 7, history, {}});
  REQUIRE(client.send_bytes(wire::as_text(out)));
  REQUIRE(client.receive_exactly(wire::greeting_size).has_value());

  wire::frame_decoder decoder;
  std::optional<wire::attached_reply> attached;
  std::size_t messages = 0;
  for (std::string chunk; !(chunk = client.receive_some(attached ? within : 5s)).empty();) {
    auto input = wire::as_bytes(chunk);
    while (!input.empty()) {
      std::error_code ec;
      input = input.subspan(decoder.put(input, ec));
      if (ec == wire::error::need_more) break;
      REQUIRE_FALSE(ec);
      const auto frame = decoder.take();
      if (frame.type == wire::frame_type::attached) {
        wire::attached_reply reply;
        REQUIRE_FALSE(wire::decode(frame.body, reply));
        attached = reply;
      } else if (frame.type == wire::frame_type::message) {
        ++messages;
      }
    }
  }
  REQUIRE(attached.has_value());
  return {attached->sequence, messages};
}

std::uint16_t port_of(const std::vector<std::string>& endpoints) {
  REQUIRE_FALSE(endpoints.empty());
  return static_cast<std::uint16_t>(std::stoi(endpoints.front().substr(endpoints.front().rfind(':') + 1)));
}

}  // namespace

TEST_CASE("kernel: an earlier incarnation's subscriber gets all of a young incarnation and only what it asked later") {
  test_directory directory;
  imchat::kernel_options options;
  options.history.restart_replay = 1500ms;
  simulated_process room(directory.address(), 1, options);
  // Not a structured binding: clang before 16 cannot capture one in a lambda.
  const auto opened = room.app().call([&](api_thread& api) {
    const auto id = api.create_exchange("E_room", scope::global, "127.0.0.1", room.io());
    return std::pair(id, port_of(api.endpoints("E_room")));
  });
  const auto out = opened.first;
  const auto port = opened.second;
  room.app().call([&](api_thread& api) { send_all(api, out, imchat::test::numbered("said", 20)); });

  // Young: from the first message on, whatever it asked.
  const auto [young_start, young_messages] = subscribe(port, earlier_incarnation, 0, 300ms);
  CHECK(young_start == 1);
  CHECK(young_messages == 20);

  std::this_thread::sleep_for(1600ms);
  // Grown up: an earlier incarnation is a stranger's word; it gets what it asked for.
  const auto [late_start, late_messages] = subscribe(port, earlier_incarnation, 0, 300ms);
  CHECK(late_start == 21);
  CHECK(late_messages == 0);
  const auto [asked_start, asked_messages] = subscribe(port, earlier_incarnation, 5, 300ms);
  CHECK(asked_start == 16);
  CHECK(asked_messages == 5);
}
