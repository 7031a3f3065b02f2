// Dead registrants, against the real `imchat server --peer-timeout`: a client that
// registered and then went silent (no heartbeats: its host vanished, say) loses its names
// within seconds, while one that sends heartbeats keeps them however long it says nothing
// else.

#include "support/eventually.hpp"
#include "blackbox/directory/running_directory.hpp"
#include "blackbox/directory/still_serving.hpp"
#include "directory/locator.hpp"
#include "support/held_registration.hpp"
#include "wire/error.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace std::chrono_literals;
using imchat::directory::locator;
using imchat::test::eventually;
using imchat::test::held_registration;
using imchat::test::running_directory;
using imchat::wire::object_kind;

TEST_SUITE("directory") {

TEST_CASE("imchat server --peer-timeout 2 frees a silent client's names and keeps a heartbeating one's") {
  running_directory server({.peer_timeout = "2"});
  INFO("directory log:\n" << server.log());
  const auto start = std::chrono::steady_clock::now();
  held_registration silent(server.port(), object_kind::queue, "Q_silent", {"127.0.0.1:1"},
                           held_registration::heartbeats::off);
  held_registration alive(server.port(), object_kind::queue, "Q_alive", {"127.0.0.1:2"});
  locator idle(server.address());  // a real client, with nothing to say after this
  idle.register_object(object_kind::exchange, "E_idle", {"127.0.0.1:3"});
  locator watcher(server.address());
  CHECK(watcher.lookup("Q_silent").has_value());

  // Closed with the reason, and the names freed, within a few seconds: not the minutes
  // TCP would take to give up on a vanished host.
  REQUIRE(silent.wait_closed_by_directory());
  CHECK(std::chrono::steady_clock::now() - start < 8s);
  REQUIRE(silent.error().has_value());
  CHECK(silent.error()->code == static_cast<std::uint16_t>(imchat::wire::error::peer_timeout));
  CHECK(silent.error()->message == "no sign of life for 2 s");
  CHECK(eventually([&] { return !watcher.lookup("Q_silent").has_value(); }, 2s));
  CHECK(server.wait_for_log("freed 'Q_silent'"));

  // The live ones outlast several timeouts.
  std::this_thread::sleep_until(start + 3 * 2s);
  CHECK_FALSE(alive.wait_closed_by_directory(0ms));
  CHECK(watcher.lookup("Q_alive").has_value());
  CHECK(watcher.lookup("E_idle").has_value());
  imchat::test::check_still_serving(server);
}

}  // TEST_SUITE
