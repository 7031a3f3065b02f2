// publisher_registry, the receiving side of "exactly once", with real connections (TCP on
// loopback) as the streams' owners and a real queue behind them.

#include "kernel/detail/publisher_registry.hpp"

#include "loopback_connections.hpp"
#include "support/error_code_printing.hpp"
#include "wire/error.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

#include <optional>
#include <string>
#include <vector>

using imchat::message;
using imchat::detail::publisher_registry;
using imchat::detail::queue;
using imchat::detail::receive_signal;
using imchat::test::connect_loopback;
using imchat::test::loopback_connection;
using imchat::test::run_until;

namespace {

struct registry_fixture {
  boost::asio::io_context io;
  std::shared_ptr<receive_signal> signal = std::make_shared<receive_signal>();
  queue target{"Q_registry", imchat::scope::global, signal, imchat::queue_limits{.max_messages = 100}};

  // Pushes "TAG 1".."TAG COUNT" for `publisher` under `generation`; how many were taken.
  std::size_t push(publisher_registry& registry, std::uint64_t publisher, std::uint64_t generation,
                   const std::string& tag, int count) {
    std::vector<message> batch;
    for (int i = 1; i <= count; ++i) batch.emplace_back(std::string_view(tag + " " + std::to_string(i)));
    return registry.push(publisher, generation, target, batch, [] {});
  }
  std::vector<std::string> take_all() {
    std::vector<std::string> texts;
    std::lock_guard lock(signal->mutex);
    while (auto m = target.pop_locked()) texts.emplace_back(m->text());
    return texts;
  }
};

// A started connection whose peer end reports how it was closed.
struct watched_connection {
  explicit watched_connection(boost::asio::io_context& io) : ends(connect_loopback(io)) {
    ends.peer->on_closed = [this](std::error_code reason, const std::string&) { peer_closed = reason; };
    ends.start();
    REQUIRE(run_until(io, [this] { return ends.object->ready() && ends.peer->ready(); }));
  }
  loopback_connection ends;
  std::optional<std::error_code> peer_closed;
};

}  // namespace

// A secret per identity, as a publisher would have one.
imchat::wire::stream_secret secret_of(std::uint64_t identity) { return {identity * 0x9e3779b97f4a7c15, ~identity}; }

TEST_SUITE("kernel") {

TEST_CASE("publisher registry: a new publisher is asked for what it still holds") {
  registry_fixture f;
  watched_connection c(f.io);
  publisher_registry registry;
  const auto claim = registry.attach(7, secret_of(7), 40, c.ends.object);
  CHECK(claim.generation != 0);
  CHECK(claim.next == 40);
  CHECK(registry.size() == 1);
}

TEST_CASE("publisher registry: a publisher that reconnects is asked for the message after the last one queued") {
  registry_fixture f;
  watched_connection first(f.io);
  publisher_registry registry;
  const auto claim = registry.attach(7, secret_of(7), 0, first.ends.object);
  CHECK(f.push(registry, 7, claim.generation, "m", 3) == 3);
  CHECK(f.take_all() == std::vector<std::string>{"m 1", "m 2", "m 3"});

  watched_connection second(f.io);
  const auto again = registry.attach(7, secret_of(7), 0, second.ends.object);
  CHECK(again.next == 3);  // nothing queued twice: 0..2 are in
  CHECK(again.generation != claim.generation);
  CHECK(registry.size() == 1);

  // Holding less than the queue got is fine: it resends from where the queue is.
  watched_connection third(f.io);
  CHECK(registry.attach(7, secret_of(7), 2, third.ends.object).next == 3);
}

TEST_CASE("publisher registry: a stream that would resume past the queue's record of it is refused - the record kept") {
  registry_fixture f;
  watched_connection first(f.io);
  publisher_registry registry;
  const auto claim = registry.attach(7, secret_of(7), 1, first.ends.object);
  CHECK(f.push(registry, 7, claim.generation, "m", 3) == 3);  // the queue expects 4 next
  watched_connection jumping(f.io);
  const auto jump = registry.attach(7, secret_of(7), 9, jumping.ends.object);
  CHECK(jump.refused == std::error_code(imchat::wire::error::bad_field_value));
  CHECK(jump.why == "the stream resumes at 9 but the queue's record of it ends at 4: the messages between would be lost");
  // The owner's connection was not taken over, and still pushes.
  CHECK(f.push(registry, 7, claim.generation, "n", 1) == 1);
  watched_connection again(f.io);
  CHECK(registry.attach(7, secret_of(7), 4, again.ends.object).next == 5);
}

TEST_CASE("publisher registry: an ATTACH without the stream's secret is refused and the owner undisturbed") {
  registry_fixture f;
  watched_connection owner(f.io);
  publisher_registry registry;
  const auto claim = registry.attach(7, secret_of(7), 1, owner.ends.object);
  watched_connection thief(f.io);
  const auto stolen = registry.attach(7, secret_of(8), 1, thief.ends.object);
  CHECK(stolen.refused == std::error_code(imchat::wire::error::not_stream_owner));
  CHECK(stolen.generation == 0);
  CHECK(f.push(registry, 7, claim.generation, "m", 2) == 2);
  imchat::test::run_for(f.io, std::chrono::milliseconds(100));
  CHECK_FALSE(owner.ends.object->closed());
  CHECK_FALSE(owner.peer_closed);
}

TEST_CASE("publisher registry: a new connection takes the stream over and the old one is closed with name_in_use") {
  registry_fixture f;
  watched_connection old_connection(f.io);
  watched_connection new_connection(f.io);
  publisher_registry registry;
  const auto old_claim = registry.attach(9, secret_of(9), 0, old_connection.ends.object);
  const auto new_claim = registry.attach(9, secret_of(9), 0, new_connection.ends.object);

  // Pushes under the lost claim are refused; the new owner's go in.
  CHECK(f.push(registry, 9, old_claim.generation, "old", 2) == 0);
  CHECK(f.push(registry, 9, new_claim.generation, "new", 2) == 2);
  CHECK(f.take_all() == std::vector<std::string>{"new 1", "new 2"});

  REQUIRE(run_until(f.io, [&] { return old_connection.peer_closed.has_value(); }));
  CHECK(*old_connection.peer_closed == std::error_code(imchat::wire::error::name_in_use));
  CHECK_FALSE(new_connection.ends.object->closed());
  CHECK_FALSE(new_connection.peer_closed);
}

TEST_CASE("publisher registry: attaching again on the same connection keeps it") {
  registry_fixture f;
  watched_connection c(f.io);
  publisher_registry registry;
  registry.attach(3, secret_of(3), 0, c.ends.object);
  const auto again = registry.attach(3, secret_of(3), 0, c.ends.object);
  CHECK(f.push(registry, 3, again.generation, "m", 1) == 1);
  imchat::test::run_for(f.io, std::chrono::milliseconds(100));
  CHECK_FALSE(c.ends.object->closed());
  CHECK_FALSE(c.peer_closed);
}

TEST_CASE("publisher registry: pushes for a publisher it does not know are refused") {
  registry_fixture f;
  publisher_registry registry;
  CHECK(f.push(registry, 5, 1, "m", 1) == 0);
  CHECK(f.take_all().empty());
  CHECK(registry.size() == 0);
}

TEST_CASE("publisher registry: a full queue takes part of a push and the next one is asked for from there") {
  registry_fixture f;
  watched_connection c(f.io);
  publisher_registry registry;
  const auto claim = registry.attach(4, secret_of(4), 0, c.ends.object);
  CHECK(f.push(registry, 4, claim.generation, "m", 150) == 100);  // the queue holds 100
  watched_connection later(f.io);
  CHECK(registry.attach(4, secret_of(4), 0, later.ends.object).next == 100);
}

TEST_CASE("publisher registry: beyond its bound it forgets the publisher idle longest - never a connected one") {
  registry_fixture f;
  publisher_registry registry(2);
  watched_connection first(f.io);
  watched_connection second(f.io);
  f.push(registry, 1, registry.attach(1, secret_of(1), 0, first.ends.object).generation, "one", 5);
  f.push(registry, 2, registry.attach(2, secret_of(2), 0, second.ends.object).generation, "two", 5);

  // Both connected: a third publisher does not push either out.
  watched_connection third(f.io);
  registry.attach(3, secret_of(3), 0, third.ends.object);
  CHECK(registry.size() == 3);

  // Both gone: the one attached first is forgotten for the next newcomer, the other kept.
  for (auto* gone : {&first, &second}) {
    gone->ends.object->close();
    REQUIRE(run_until(f.io, [&] { return gone->peer_closed.has_value(); }));
  }
  imchat::test::run_for(f.io, std::chrono::milliseconds(50));  // their handlers let go of them
  first.ends = {};
  second.ends = {};
  watched_connection fourth(f.io);
  registry.attach(4, secret_of(4), 0, fourth.ends.object);
  CHECK(registry.size() == 3);
  watched_connection back(f.io);
  CHECK(registry.attach(2, secret_of(2), 0, back.ends.object).next == 5);  // remembered
  CHECK(registry.size() == 3);
  watched_connection back_again(f.io);
  CHECK(registry.attach(1, secret_of(1), 0, back_again.ends.object).next == 0);  // forgotten: a newcomer again
}


TEST_CASE("publisher registry: a queue that acknowledges what was stored acks only when told and never beyond what it queued") {
  registry_fixture f;
  watched_connection c(f.io);
  std::vector<std::uint64_t> acks;
  c.ends.peer->on_frame = [&](imchat::wire::frame_view frame) {
    imchat::wire::ack_frame ack;
    if (frame.type == imchat::wire::frame_type::ack && !imchat::wire::decode(frame.body, ack)) acks.push_back(ack.next);
  };
  publisher_registry registry(imchat::queue_options{.acknowledge_when_stored = true});
  CHECK(registry.acknowledges_when_stored());
  const auto claim = registry.attach(7, secret_of(7), 1, c.ends.object);
  CHECK(f.push(registry, 7, claim.generation, "m", 3) == 3);  // 1..3 queued
  imchat::test::run_for(f.io, std::chrono::milliseconds(50));
  CHECK(acks.empty());

  const std::vector<imchat::stream_record> stored{{7, secret_of(7), 3}, {99, secret_of(99), 5}};
  registry.acknowledge(stored);  // 1..2 stored; stream 99 unknown: ignored
  REQUIRE(run_until(f.io, [&] { return !acks.empty(); }));
  CHECK(acks == std::vector<std::uint64_t>{3});
  registry.acknowledge(std::vector<imchat::stream_record>{{7, secret_of(7), 40}});  // clamped to what was queued
  REQUIRE(run_until(f.io, [&] { return acks.size() == 2; }));
  CHECK(acks.back() == 4);
}

TEST_CASE("publisher registry: a publisher resending what was queued but not stored has it dropped - nothing queued twice") {
  registry_fixture f;
  watched_connection first(f.io);
  publisher_registry registry(imchat::queue_options{.acknowledge_when_stored = true});
  const auto claim = registry.attach(7, secret_of(7), 1, first.ends.object);
  CHECK(f.push(registry, 7, claim.generation, "m", 4) == 4);  // 1..4 queued, none stored
  registry.acknowledge(std::vector<imchat::stream_record>{{7, secret_of(7), 3}});

  watched_connection second(f.io);
  const auto again = registry.attach(7, secret_of(7), 3, second.ends.object);
  CHECK(again.next == 3);  // resend from what was stored
  // It resends 3, 4 (queued already) and then 5, 6: only 5 and 6 are new.
  std::vector<message> batch;
  for (const char* text : {"m 3", "m 4", "m 5", "m 6"}) batch.emplace_back(std::string_view(text));
  CHECK(registry.push(7, again.generation, f.target, batch, [] {}) == 4);
  std::vector<std::pair<std::string, std::uint64_t>> taken;
  {
    std::lock_guard lock(f.signal->mutex);
    while (auto m = f.target.pop_locked()) {
      CHECK(m->stream() == 7);
      taken.emplace_back(std::string(m->text()), m->sequence());
    }
  }
  CHECK(taken == std::vector<std::pair<std::string, std::uint64_t>>{{"m 1", 1}, {"m 2", 2}, {"m 3", 3}, {"m 4", 4},
                                                                    {"m 5", 5}, {"m 6", 6}});
}

TEST_CASE("publisher registry: records stored by an earlier run are kept - secret and where each stream resumes") {
  registry_fixture f;
  publisher_registry registry(
      imchat::queue_options{.acknowledge_when_stored = true, .streams = {{7, secret_of(7), 12}}});
  CHECK(registry.records({{7, 12}, {8, 1}}) == std::vector<imchat::stream_record>{{7, secret_of(7), 12}});
  watched_connection thief(f.io);
  CHECK(registry.attach(7, secret_of(8), 1, thief.ends.object).refused ==
        std::error_code(imchat::wire::error::not_stream_owner));
  watched_connection owner(f.io);
  CHECK(registry.attach(7, secret_of(7), 5, owner.ends.object).next == 12);
  watched_connection ahead(f.io);
  CHECK(registry.attach(7, secret_of(7), 13, ahead.ends.object).refused ==
        std::error_code(imchat::wire::error::bad_field_value));
}

}  // TEST_SUITE
