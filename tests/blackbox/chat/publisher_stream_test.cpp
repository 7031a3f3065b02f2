// A room's queue as a publisher sees it on the wire (docs/wire-protocol.md §3): a raw
// client attaches to a real room's Q_<room> with a publisher identity, sends MESSAGE
// frames and reads the ATTACHED and ACK frames, as a prompt that lost its connection
// would. What the room queued is read back through a real display.

#include "blackbox/chat/chat_fixture.hpp"
#include "blackbox/directory/wire_client.hpp"
#include "support/tcp_ports.hpp"
#include "wire/body_writer.hpp"
#include "wire/error.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using imchat::test::directory_wire_client;
using imchat::test::free_tcp_port;
using imchat::test::reply_as;
using namespace imchat::test::chat;
namespace wire = imchat::wire;

namespace {

constexpr std::uint64_t kofi = 0x6b6f6669'00000001;
constexpr wire::stream_secret kofis_secret{0x5ec2e7'0000'0001, 0x5ec2e7'0000'0002};

// Greets the room's queue on `port` and asks for a publisher's stream.
directory_wire_client attach_publisher(std::uint16_t port, const std::string& queue, std::uint64_t identity,
                                       std::uint64_t first_held, wire::stream_secret secret) {
  directory_wire_client client(port);
  REQUIRE(client.greet(wire::role::kernel_peer, wire::role::kernel_object));
  REQUIRE(client.send_request(
      wire::attach_request{wire::attach_direction::publish, queue, identity, first_held, 0, secret}));
  return client;
}

// A publisher attached to the room's queue on `port`, or a failed REQUIRE.
struct raw_publisher {
  directory_wire_client client;
  wire::attached_reply attached;

  raw_publisher(std::uint16_t port, const std::string& queue, std::uint64_t identity, std::uint64_t first_held,
                wire::stream_secret secret = kofis_secret)
      : client(attach_publisher(port, queue, identity, first_held, secret)) {
    const auto reply = reply_as<wire::attached_reply>(client.receive_frame(chat_timeout), wire::frame_type::attached);
    REQUIRE(reply.has_value());
    attached = *reply;
  }

  void say(const std::string& text) {
    wire::bytes frame;
    wire::append_frame(frame, wire::frame_type::message, wire::as_bytes(text));
    REQUIRE(client.send(wire::as_text(frame)));
  }

  // Reads ACKs until one acknowledges everything below `next`; false if none does.
  bool acknowledged(std::uint64_t next) {
    while (auto frame = client.receive_frame(chat_timeout)) {
      const auto ack = reply_as<wire::ack_frame>(frame, wire::frame_type::ack);
      if (!ack) return false;
      if (ack->next >= next) return ack->next == next;
    }
    return false;
  }
};

}  // namespace

TEST_SUITE("chat: delivery") {

TEST_CASE("a room acknowledges a publisher's messages and on its return asks only for what it lacks") {
  chat_fixture chat;
  const auto in_port = free_tcp_port();
  auto room = chat.start_room("ledger", {"127.0.0.1:" + std::to_string(in_port)});
  auto display = chat.start_display("ledger");
  chat.sync_displays("ledger", {&display});

  raw_publisher first(in_port, "Q_ledger", kofi, 1);
  CHECK(first.attached.sequence == 1);
  for (const auto* text : {"kofi: one", "kofi: two", "kofi: three"}) first.say(text);
  CHECK(first.acknowledged(4));

  // The same publisher on a new connection (its first one presumed dead), still holding
  // everything from 1 because it never saw the ACKs: the room asks for 4 and on, and the
  // old connection is closed, so two connections never feed one stream.
  raw_publisher again(in_port, "Q_ledger", kofi, 1);
  CHECK(again.attached.sequence == 4);
  const auto closed_with = first.client.receive_error(chat_timeout);
  REQUIRE(closed_with.has_value());
  CHECK(closed_with->code == static_cast<std::uint16_t>(wire::error::name_in_use));
  again.say("kofi: four");
  CHECK(again.acknowledged(5));

  require_stdout(display, "kofi: four\n");
  for (const auto* text : {"kofi: one\n", "kofi: two\n", "kofi: three\n", "kofi: four\n"})
    CHECK(occurrences(display.stdout_text(), text) == 1);
}

TEST_CASE("a room takes a publisher it does not know from the first message that publisher still holds") {
  chat_fixture chat;
  const auto in_port = free_tcp_port();
  auto room = chat.start_room("fresh", {"127.0.0.1:" + std::to_string(in_port)});
  // Messages 1 to 9 were acknowledged by an earlier run of the room: never asked for again.
  raw_publisher publisher(in_port, "Q_fresh", kofi + 1, 10);
  CHECK(publisher.attached.sequence == 10);
  CHECK(publisher.attached.stream != 0);
  publisher.say("kofi: ten");
  CHECK(publisher.acknowledged(11));
}

TEST_CASE("a room refuses a publisher without an identity or a secret and keeps serving") {
  chat_fixture chat;
  const auto in_port = free_tcp_port();
  auto room = chat.start_room("strict", {"127.0.0.1:" + std::to_string(in_port)});
  for (const auto& [identity, secret] : {std::pair{std::uint64_t{0}, kofis_secret}, std::pair{kofi, wire::stream_secret{}}}) {
    auto anonymous = attach_publisher(in_port, "Q_strict", identity, 1, secret);
    const auto refused = anonymous.receive_error(chat_timeout);
    REQUIRE(refused.has_value());
    CHECK(refused->code == static_cast<std::uint16_t>(wire::error::bad_field_value));
  }

  raw_publisher named(in_port, "Q_strict", kofi, 1);
  CHECK(named.attached.sequence == 1);
}

// The attack of issue 13: someone who learnt a prompt's identity (it travels in clear
// without a key) attaches with it a few numbers ahead, which used to make the room skip
// the prompt's next lines while acknowledging them. Refused now, with or without keys:
// the stream takes its secret, and a resumed stream continues where the room's record ends.
TEST_CASE("a stream cannot be stolen or skipped ahead: nothing the publisher sends is lost") {
  chat_fixture chat;
  const auto in_port = free_tcp_port();
  auto room = chat.start_room("theft", {"127.0.0.1:" + std::to_string(in_port)});
  auto display = chat.start_display("theft");
  chat.sync_displays("theft", {&display});

  raw_publisher owner(in_port, "Q_theft", kofi, 1);
  owner.say("kofi: one");
  CHECK(owner.acknowledged(2));

  // The identity without the secret, a few ahead, and the largest sequence there is.
  for (const std::uint64_t ahead : {std::uint64_t{5}, wire::max_publisher_sequence - 1}) {
    auto thief = attach_publisher(in_port, "Q_theft", kofi, ahead, wire::stream_secret{1, 2});
    const auto refused = thief.receive_error(chat_timeout);
    REQUIRE(refused.has_value());
    CHECK(refused->code == static_cast<std::uint16_t>(wire::error::not_stream_owner));
    CHECK(thief.socket().wait_closed());
  }
  // Even the owner's secret may not skip ahead: a protocol error, and the record stays.
  {
    auto skipping = attach_publisher(in_port, "Q_theft", kofi, 5, kofis_secret);
    const auto refused = skipping.receive_error(chat_timeout);
    REQUIRE(refused.has_value());
    CHECK(refused->code == static_cast<std::uint16_t>(wire::error::bad_field_value));
    CHECK(refused->message == "the stream resumes at 5 but the queue's record of it ends at 2: the messages between would be lost");
  }
  CHECK(room.wait_for_stderr("not_stream_owner", chat_timeout));

  // The owner was never disturbed: its next lines are queued and shown, each once.
  owner.say("kofi: two");
  owner.say("kofi: three");
  CHECK(owner.acknowledged(4));
  raw_publisher resumed(in_port, "Q_theft", kofi, 2);  // and it may resume where it was
  CHECK(resumed.attached.sequence == 4);
  require_stdout(display, "kofi: three\n");
  for (const auto* text : {"kofi: one\n", "kofi: two\n", "kofi: three\n"})
    CHECK(occurrences(display.stdout_text(), text) == 1);
}

TEST_CASE("a connection to a room that greets but never attaches is closed after the handshake timeout") {
  chat_fixture chat;
  const auto in_port = free_tcp_port();
  auto room = chat.start_room("idle", {"127.0.0.1:" + std::to_string(in_port)});
  directory_wire_client idle(in_port);
  REQUIRE(idle.greet(wire::role::kernel_peer, wire::role::kernel_object));
  const auto start = std::chrono::steady_clock::now();
  // Heartbeats keep it looking alive; only the missing ATTACH ends it.
  const auto error = idle.receive_error(20s);
  REQUIRE(error.has_value());
  CHECK(error->code == static_cast<std::uint16_t>(wire::error::handshake_timeout));
  CHECK(error->message == "no ATTACH within 5 s");
  CHECK(std::chrono::steady_clock::now() - start < 15s);
  CHECK(idle.socket().wait_closed());
  // The room goes on serving.
  auto display = chat.start_display("idle");
  chat.sync_displays("idle", {&display});
}

}  // TEST_SUITE
