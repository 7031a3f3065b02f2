// Global objects between programs: each simulated_process here stands for a separate
// program (its own dispatcher, locator and I/O thread), so every binding between them is
// found through the directory and carried over TCP. Covers publishing into a remote
// queue, subscribing to a remote exchange, gap notices when an exchange is replaced, and
// a full queue holding a remote sender back.

#include "application_thread.hpp"
#include "message_texts.hpp"
#include "simulated_process.hpp"
#include "test_directory.hpp"

#include "kernel/api_thread.hpp"
#include "support/deadline.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>

using namespace std::chrono_literals;
using imchat::api_thread;
using imchat::exchange_id;
using imchat::message;
using imchat::message_type;
using imchat::scope;
using imchat::test::application_thread;
using imchat::test::numbered;
using imchat::test::receive_texts;
using imchat::test::send_all;
using imchat::test::simulated_process;
using imchat::test::starting_with;
using imchat::test::test_directory;

namespace {

// Nothing tells a program when its subscription is attached, and an exchange only sends
// to the subscribers attached when it sends (as in the tutorial: a display sees what is
// said after it joins). So the tests send probes until each receiver has had one.
bool probe_until_attached(application_thread& sender, exchange_id out,
                          const std::vector<application_thread*>& receivers) {
  std::vector<bool> attached(receivers.size(), false);
  for (imchat::test::deadline until(15s); !until.expired();) {
    sender.call([&](api_thread& api) { api.send(out, message("probe")); });
    for (std::size_t i = 0; i < receivers.size(); ++i)
      if (!attached[i])
        attached[i] = receivers[i]->call([](api_thread& api) { return api.receive(50ms).has_value(); });
    if (std::all_of(attached.begin(), attached.end(), [](bool each) { return each; })) return true;
  }
  return false;
}

// The next `count` messages that are not probes (late probes may still be on the way).
std::vector<std::string> receive_past_probes(api_thread& api, std::size_t count, std::chrono::milliseconds timeout) {
  std::vector<std::string> texts;
  for (imchat::test::deadline until(timeout); texts.size() < count && !until.expired();) {
    auto got = receive_texts(api, 1, 100ms);
    if (!got.empty() && got.front() != "probe") texts.push_back(got.front());
  }
  return texts;
}

exchange_id bind_local_exchange_to(api_thread& api, const std::string& remote_queue, imchat::io_thread& io) {
  const auto out = api.create_exchange("E");
  api.bind("E", remote_queue, nullptr, &io);
  return out;
}

void bind_local_queue_to(api_thread& api, const std::string& remote_exchange, imchat::io_thread& io) {
  api.create_queue("Q");
  api.bind(remote_exchange, "Q", &io, nullptr);
}

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("kernel: a local exchange publishes into another program's global queue") {
  test_directory directory;
  simulated_process room(directory.address()), prompt(directory.address());
  room.app().call([&](api_thread& api) { api.create_queue("Q_room", scope::global, "127.0.0.1", room.io()); });
  const auto out = prompt.app().call([&](api_thread& api) { return bind_local_exchange_to(api, "Q_room", prompt.io()); });

  // A publisher needs no probing: what it sends before the connection is up is held.
  const auto lines = numbered("line", 500);
  const bool flushed = prompt.app().call([&](api_thread& api) {
    send_all(api, out, lines);
    return api.flush(10s);
  }, 20s);
  CHECK(flushed);
  CHECK(room.app().call([&](api_thread& api) { return receive_texts(api, lines.size(), 10s); }, 20s) == lines);
  CHECK(room.app().call([](api_thread& api) { return !api.receive(100ms); }));
}

TEST_CASE("kernel: a local queue subscribes to another program's global exchange") {
  test_directory directory;
  simulated_process room(directory.address()), display(directory.address());
  const auto out = room.app().call([&](api_thread& api) {
    return api.create_exchange("E_room", scope::global, "127.0.0.1", room.io());
  });
  display.app().call([&](api_thread& api) { bind_local_queue_to(api, "E_room", display.io()); });
  REQUIRE(probe_until_attached(room.app(), out, {&display.app()}));

  const auto said = numbered("said", 500);
  room.app().call([&](api_thread& api) { send_all(api, out, said); });
  CHECK(display.app().call([&](api_thread& api) { return receive_past_probes(api, said.size(), 10s); }, 20s) == said);
}

TEST_CASE("kernel: a thread of the same program binds to a global object without the network") {
  test_directory directory;
  simulated_process room(directory.address(), 2);
  room.app(0).call([&](api_thread& api) { api.create_queue("Q_room", scope::global, "127.0.0.1", room.io()); });
  // No I/O thread given: the queue is found in the process, so none is needed.
  const auto out = room.app(1).call([](api_thread& api) {
    const auto id = api.create_exchange("E");
    api.bind("E", "Q_room");
    return id;
  });
  room.app(1).call([&](api_thread& api) { send_all(api, out, {"next door"}); });
  CHECK(room.app(0).call([](api_thread& api) { return receive_texts(api, 1, 5s); }) ==
        std::vector<std::string>{"next door"});
}

TEST_CASE("kernel: a broken subscription gives a gap only to a thread that masked gaps") {
  test_directory directory;
  auto room = std::make_unique<simulated_process>(directory.address());
  simulated_process displays(directory.address(), 2);
  auto& masked = displays.app(0);
  auto& unmasked = displays.app(1);
  const auto open_room = [&] {
    return room->app().call([&](api_thread& api) {
      return api.create_exchange("E_room", scope::global, "127.0.0.1", room->io());
    });
  };
  auto out = open_room();
  masked.call([](api_thread& api) { api.mask(message_type::gap); });
  for (auto* display : {&masked, &unmasked})
    display->call([&](api_thread& api) { bind_local_queue_to(api, "E_room", displays.io()); });
  REQUIRE(probe_until_attached(room->app(), out, {&masked, &unmasked}));
  room->app().call([&](api_thread& api) { send_all(api, out, numbered("before", 3)); });
  for (auto* display : {&masked, &unmasked})
    CHECK(display->call([](api_thread& api) { return receive_past_probes(api, 3, 10s); }) == numbered("before", 3));

  // The room's program ends: its connections close under the displays. Whether messages
  // were lost is only known once a display is back in touch with the room.
  room.reset();
  CHECK(masked.call([](api_thread& api) { return receive_texts(api, 1, 500ms); }).empty());

  // It comes back (on another port): the displays find it again by themselves, and the
  // masked one hears of the gap first, since a new room cannot say what the old one sent.
  room = std::make_unique<simulated_process>(directory.address());
  out = open_room();
  CHECK(masked.call([](api_thread& api) { return receive_texts(api, 1, 15s); }, 20s) ==
        std::vector<std::string>{"<gap>"});
  REQUIRE(probe_until_attached(room->app(), out, {&masked, &unmasked}));
  room->app().call([&](api_thread& api) { send_all(api, out, numbered("after", 3)); });

  CHECK(masked.call([](api_thread& api) { return receive_past_probes(api, 3, 10s); }) == numbered("after", 3));
  // The unmasked thread lost the same connection, but never sees a gap: only messages.
  const auto unmasked_saw = unmasked.call([](api_thread& api) { return receive_past_probes(api, 3, 10s); });
  CHECK(unmasked_saw == numbered("after", 3));
}

TEST_CASE("kernel: a thread that masked the connection notices hears at once that the exchange is gone and then that it is back") {
  test_directory directory;
  auto room = std::make_unique<simulated_process>(directory.address());
  simulated_process display(directory.address());
  const auto open_room = [&] {
    return room->app().call([&](api_thread& api) {
      return api.create_exchange("E_room", scope::global, "127.0.0.1", room->io());
    });
  };
  auto out = open_room();
  display.app().call([&](api_thread& api) {
    for (const auto type : {message_type::gap, message_type::disconnected, message_type::reconnected}) api.mask(type);
    bind_local_queue_to(api, "E_room", display.io());
  });
  REQUIRE(probe_until_attached(room->app(), out, {&display.app()}));

  // No notice while the connection holds.
  CHECK(display.app().call([](api_thread& api) { return receive_texts(api, 1, 300ms); }).empty());
  // The room's program ends: the display hears of it at once, not when it is back.
  room.reset();
  CHECK(display.app().call([](api_thread& api) { return receive_texts(api, 1, 5s); }) ==
        std::vector<std::string>{"<disconnected>"});
  // Failed attempts to reconnect are the same outage: no second notice.
  CHECK(display.app().call([](api_thread& api) { return receive_texts(api, 1, 1500ms); }).empty());

  room = std::make_unique<simulated_process>(directory.address());
  out = open_room();
  // A new room cannot say what the old one sent: a gap of unknown size, then back.
  CHECK(display.app().call([](api_thread& api) { return receive_texts(api, 2, 15s); }, 20s) ==
        std::vector<std::string>{"<gap>", "<reconnected>"});
  REQUIRE(probe_until_attached(room->app(), out, {&display.app()}));
  room->app().call([&](api_thread& api) { send_all(api, out, numbered("after", 3)); });
  CHECK(display.app().call([](api_thread& api) { return receive_past_probes(api, 3, 10s); }) == numbered("after", 3));
}

TEST_CASE("kernel: when a thread holding a global exchange ends its subscribers get a gap and find the next holder") {
  test_directory directory;
  simulated_process room(directory.address(), 2), display(directory.address());
  const auto open_room = [&](std::size_t thread) {
    return room.app(thread).call([&](api_thread& api) {
      return api.create_exchange("E_room", scope::global, "127.0.0.1", room.io());
    });
  };
  auto out = open_room(0);
  display.app().call([&](api_thread& api) {
    api.mask(message_type::gap);
    bind_local_queue_to(api, "E_room", display.io());
  });
  REQUIRE(probe_until_attached(room.app(0), out, {&display.app()}));

  // Only the thread ends; the program and its I/O thread go on, so nothing but the
  // kernel itself can tell the display that the exchange is gone.
  room.end_app(0);
  out = open_room(1);
  CHECK(display.app().call([](api_thread& api) { return receive_texts(api, 1, 15s); }, 20s) ==
        std::vector<std::string>{"<gap>"});
  REQUIRE(probe_until_attached(room.app(1), out, {&display.app()}));
  room.app(1).call([&](api_thread& api) { send_all(api, out, numbered("next", 3)); });
  CHECK(display.app().call([](api_thread& api) { return receive_past_probes(api, 3, 10s); }) == numbered("next", 3));
}

TEST_CASE("kernel: a full global queue holds a remote sender back and loses nothing") {
  test_directory directory;
  imchat::kernel_options small_queue;
  small_queue.queue.max_messages = 4;
  simulated_process room(directory.address(), 1, small_queue), prompt(directory.address());
  room.app().call([&](api_thread& api) { api.create_queue("Q_room", scope::global, "127.0.0.1", room.io()); });
  const auto out = prompt.app().call([&](api_thread& api) { return bind_local_exchange_to(api, "Q_room", prompt.io()); });

  // More than the socket buffers of both ends can hold (tcp_rmem may reach 32 MiB), so
  // the sender's output can only drain if the room reads past its queue's limit.
  constexpr std::size_t count = 3000;
  constexpr std::size_t size = 16 * 1024;
  const bool flushed_unread = prompt.app().call([&](api_thread& api) {
    for (std::size_t i = 0; i < count; ++i) {
      message m(size);
      std::fill(m.data().begin(), m.data().end(), std::byte{0});
      std::memcpy(m.data().data(), &i, sizeof i);
      api.send(out, m);
    }
    return api.flush(1s);
  }, 30s);
  CHECK_FALSE(flushed_unread);

  const auto in_order = room.app().call([&](api_thread& api) {
    for (std::size_t i = 0; i < count; ++i) {
      const auto m = api.receive(10s);
      if (!m || m->size() != size) return i;
      std::size_t number = 0;
      std::memcpy(&number, m->data().data(), sizeof number);
      if (number != i) return i;
    }
    return count;
  }, 120s);
  CHECK(in_order == count);
  CHECK(prompt.app().call([](api_thread& api) { return api.flush(10s); }));
}

}  // TEST_SUITE
