// The directory dies mid-chat (SIGKILL) and comes back: the established chat carries on
// while it is down, since rooms, prompts and displays talk to each other directly; a
// display started meanwhile waits for it; and once it is back the room registers again
// by itself, within its reconnection backoff, so that newcomers find it.

#include "blackbox/chat/chat_fixture.hpp"
#include "support/eventually.hpp"
#include "directory/locator.hpp"
#include "support/exit_status.hpp"
#include "support/imchat_binary.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::eventually;
using imchat::test::exit_status;
using namespace imchat::test::chat;

TEST_SUITE("chat: directory faults") {

TEST_CASE("a killed directory leaves the chat running and the room registers again when it is back") {
  chat_fixture chat;
  auto room = chat.start_room("sturdy");
  auto display = chat.start_display("sturdy");
  chat.sync_displays("sturdy", {&display});
  auto kofi = chat.start_prompt("sturdy", "kofi");
  INFO("room stderr:\n" << room.stderr_text());
  INFO("display stdout:\n" << display.stdout_text());
  INFO("prompt stderr:\n" << kofi.stderr_text());
  REQUIRE(kofi.write_stdin("before\n"));
  require_stdout(display, "kofi: before\n");

  REQUIRE(chat.server()->send_signal(SIGKILL));
  REQUIRE(chat.server()->wait_exit(chat_timeout) == exit_status::killed_by(SIGKILL));
  const auto killed_at = std::chrono::steady_clock::now();
  CHECK(room.wait_for_stderr("directory at " + chat.directory(), chat_timeout));  // it noticed

  // Established: the chat goes on without the directory.
  REQUIRE(kofi.write_stdin("while the directory is down\n"));
  require_stdout(display, "kofi: while the directory is down\n");
  // A newcomer's look-up waits for the directory.
  auto late = chat.start_display("sturdy");
  INFO("late display stderr:\n" << late.stderr_text());
  CHECK(late.wait_for_stderr("waiting for the directory", chat_timeout));
  // Down for longer than the peer timeout, and long enough for the locators' reconnection
  // backoff to grow to its ceiling.
  std::this_thread::sleep_until(killed_at + 6s);
  REQUIRE(kofi.write_stdin("still without the directory\n"));
  require_stdout(display, "kofi: still without the directory\n");

  child_process server({IMCHAT_BINARY, "server", "--listen", "127.0.0.1", std::to_string(chat.directory_port())});
  INFO("new server stderr:\n" << server.stderr_text());
  REQUIRE(server.wait_for_stderr("directory listening on " + chat.directory(), chat_timeout));
  const auto restarted = std::chrono::steady_clock::now();

  // The room's names are back within its reconnection backoff (3 s at most), without
  // anyone restarting it.
  imchat::directory::locator watcher(chat.directory());
  CHECK(eventually([&] { return watcher.lookup("Q_sturdy") && watcher.lookup("E_sturdy"); }, chat_timeout));
  CHECK(std::chrono::steady_clock::now() - restarted < 8s);

  // The newcomer found the room, and everyone hears everyone.
  chat.sync_displays("sturdy", {&display, &late});
  REQUIRE(kofi.write_stdin("after the restart\n"));
  require_stdout(display, "kofi: after the restart\n");
  require_stdout(late, "kofi: after the restart\n");
  CHECK(still_running(room));
}

}  // TEST_SUITE
