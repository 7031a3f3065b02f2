// queue_feeder between a real framed_connection (TCP on loopback) and a real queue, wired
// as a kernel object's session wires it: on_frame adds, on_batch_end flushes.

#include "kernel/detail/queue_feeder.hpp"

#include "loopback_connections.hpp"
#include "wire/body_writer.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

#include <string>
#include <vector>

using imchat::message;
using imchat::detail::queue;
using imchat::detail::queue_feeder;
using imchat::detail::receive_signal;
using imchat::test::connect_loopback;
using imchat::test::run_for;
using imchat::test::run_until;

namespace {

// A queue of at most `max_messages`, a feeder on a connection's object end that fills it,
// and the peer end that sends MESSAGE frames to it.
struct fed_queue {
  explicit fed_queue(std::size_t max_messages = 100'000)
      : signal(std::make_shared<receive_signal>()),
        target(std::make_shared<queue>("Q_fed", imchat::scope::global, signal,
                                       imchat::queue_limits{.max_messages = max_messages})),
        ends(connect_loopback(io)),
        feeder(std::make_shared<queue_feeder>(ends.object, target)) {
    ends.object->on_frame = [this](imchat::wire::frame_view frame) {
      ++frames_seen;
      if (frame.type == imchat::wire::frame_type::message) feeder->add(frame);
    };
    ends.object->on_batch_end = [this] { feeder->flush(); };
    ends.start();
    REQUIRE(run_until(io, [this] { return ends.object->ready() && ends.peer->ready(); }));
  }

  // The peer sends "PREFIX FIRST" .. "PREFIX LAST" in one write.
  void send(const std::string& prefix, int first, int last) {
    imchat::wire::bytes out;
    for (int i = first; i <= last; ++i)
      imchat::wire::append_frame(out, imchat::wire::frame_type::message,
                                 imchat::wire::as_bytes(prefix + " " + std::to_string(i)));
    ends.peer->send(out);
  }

  // Takes everything queued, as the owning application thread would.
  std::vector<std::string> take_all() {
    std::vector<std::string> texts;
    std::lock_guard lock(signal->mutex);
    while (auto m = target->pop_locked()) texts.emplace_back(m->text());
    return texts;
  }
  std::vector<std::string> take(std::size_t count) {
    std::vector<std::string> texts;
    std::lock_guard lock(signal->mutex);
    while (texts.size() < count)
      if (auto m = target->pop_locked()) texts.emplace_back(m->text());
      else break;
    return texts;
  }

  boost::asio::io_context io;
  std::shared_ptr<receive_signal> signal;
  std::shared_ptr<queue> target;
  imchat::test::loopback_connection ends;
  std::shared_ptr<queue_feeder> feeder;
  std::size_t frames_seen = 0;
};

std::vector<std::string> numbered(const std::string& prefix, int first, int last) {
  std::vector<std::string> texts;
  for (int i = first; i <= last; ++i) texts.push_back(prefix + " " + std::to_string(i));
  return texts;
}

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("queue feeder: MESSAGE frames become the queue's messages - in order - each once") {
  fed_queue fed;
  fed.send("hello", 1, 5);
  REQUIRE(run_until(fed.io, [&] { return fed.feeder->accepted() == 5; }));
  CHECK(fed.take_all() == numbered("hello", 1, 5));
  fed.send("more", 1, 3);
  REQUIRE(run_until(fed.io, [&] { return fed.feeder->accepted() == 8; }));
  CHECK(fed.take_all() == numbered("more", 1, 3));
}

TEST_CASE("queue feeder: the messages of one read share one buffer - side by side") {
  // Pushed straight from added bodies, as one read's frames come: one allocation for all.
  boost::asio::io_context io;
  auto ends = connect_loopback(io);
  std::vector<message> pushed;
  auto feeder = std::make_shared<queue_feeder>(ends.object, [&](std::span<message> batch, const std::function<void()>&) {
    pushed.insert(pushed.end(), batch.begin(), batch.end());
    return batch.size();
  });
  const std::string read = "onetwothree";
  const auto bytes = imchat::wire::as_bytes(read);
  feeder->add({imchat::wire::frame_type::message, bytes.subspan(0, 3)});
  feeder->add({imchat::wire::frame_type::message, bytes.subspan(3, 3)});
  feeder->add({imchat::wire::frame_type::message, bytes.subspan(6, 5)});
  feeder->flush();
  REQUIRE(pushed.size() == 3);
  CHECK(pushed[0].text() == "one");
  CHECK(pushed[1].text() == "two");
  CHECK(pushed[2].text() == "three");
  // Copies of the read's bytes (the read buffer is the connection's), in one buffer.
  CHECK(pushed[0].data().data() != bytes.data());
  CHECK(pushed[1].data().data() == pushed[0].data().data() + 3);
  CHECK(pushed[2].data().data() == pushed[1].data().data() + 3);
}

TEST_CASE("queue feeder: a read that ends one frame - holds another - and begins a third keeps all three intact") {
  // The first frame's body is gathered from two reads, the third begins gathering in the
  // same read: what the feeder holds of the first must survive until the batch goes.
  fed_queue fed;
  imchat::wire::bytes stream;
  for (const auto* text : {"first, in two pieces", "second, whole", "third, also in two pieces"})
    imchat::wire::append_frame(stream, imchat::wire::frame_type::message, imchat::wire::as_bytes(text));
  const std::span<const std::byte> all(stream);
  const std::size_t first_cut = 12, second_cut = stream.size() - 10;
  fed.ends.peer->send(all.first(first_cut));
  imchat::test::run_for(fed.io, std::chrono::milliseconds(50));
  fed.ends.peer->send(all.subspan(first_cut, second_cut - first_cut));
  imchat::test::run_for(fed.io, std::chrono::milliseconds(50));
  fed.ends.peer->send(all.subspan(second_cut));
  REQUIRE(run_until(fed.io, [&] { return fed.feeder->accepted() == 3; }));
  CHECK(fed.take_all() == std::vector<std::string>{"first, in two pieces", "second, whole", "third, also in two pieces"});
}

TEST_CASE("queue feeder: a full queue stops the reading and the rest follows as it drains") {
  fed_queue fed(4);
  fed.send("flood", 1, 20);
  REQUIRE(run_until(fed.io, [&] { return fed.feeder->accepted() == 4; }));
  // Full: nothing more is taken, and the connection is not read further meanwhile.
  const auto frames_when_full = fed.frames_seen;
  run_for(fed.io, std::chrono::milliseconds(200));
  CHECK(fed.feeder->accepted() == 4);
  CHECK(fed.frames_seen == frames_when_full);

  // Taking one leaves 3, more than half of 4: still no room.
  std::vector<std::string> received = fed.take(1);
  run_for(fed.io, std::chrono::milliseconds(100));
  CHECK(fed.feeder->accepted() == 4);

  // Drained to half, the queue calls the feeder back; each time the queue fills again.
  while (received.size() < 20) {
    const auto before = fed.feeder->accepted();
    const auto taken = fed.take_all();
    REQUIRE_FALSE(taken.empty());
    received.insert(received.end(), taken.begin(), taken.end());
    if (received.size() == 20) break;
    REQUIRE(run_until(fed.io, [&] { return fed.feeder->accepted() > before; }));
  }
  CHECK(received == numbered("flood", 1, 20));
  CHECK(fed.feeder->accepted() == 20);
  CHECK_FALSE(fed.ends.object->closed());

  // Reading resumed: what comes next goes straight in.
  fed.send("after", 1, 2);
  REQUIRE(run_until(fed.io, [&] { return fed.feeder->accepted() == 22; }));
  CHECK(fed.take_all() == numbered("after", 1, 2));
}

TEST_CASE("queue feeder: frames of a closed connection are not queued (their sender resends them)") {
  fed_queue fed;
  fed.ends.object->close();
  const std::string text = "too late";
  fed.feeder->add({imchat::wire::frame_type::message, imchat::wire::as_bytes(text)});
  fed.feeder->flush();
  CHECK(fed.feeder->accepted() == 0);
  CHECK(fed.take_all().empty());
}

TEST_CASE("queue feeder: a push function decides what is taken") {
  // The publisher stream's wrapping: here one that takes at most two messages a batch.
  boost::asio::io_context io;
  auto ends = connect_loopback(io);
  std::vector<std::string> pushed;
  auto feeder = std::make_shared<queue_feeder>(
      ends.object, [&](std::span<message> batch, const std::function<void()>& /*resume*/) {
        const auto taken = std::min<std::size_t>(batch.size(), 2);
        for (std::size_t i = 0; i < taken; ++i) pushed.emplace_back(batch[i].text());
        return taken;
      });
  for (const auto* text : {"a", "b", "c"}) feeder->add({imchat::wire::frame_type::message, imchat::wire::as_bytes(text)});
  feeder->flush();
  CHECK(feeder->accepted() == 2);
  CHECK(pushed == std::vector<std::string>{"a", "b"});
  // Paused until the push function's resume: another flush takes nothing.
  feeder->flush();
  CHECK(feeder->accepted() == 2);
}

}  // TEST_SUITE
