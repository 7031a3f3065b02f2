// A room whose names were taken while it could not answer takes them back. The room is
// frozen (SIGSTOP) past the directory's peer timeout, so the directory frees its names,
// and a registrant of the test's own takes Q_lobby and E_lobby meanwhile. Thawed, the
// room reconnects and finds them held: it says so at error level and in its systemd
// STATUS, keeps asking, and once the squatter goes it holds them again and the chat works.

#include "blackbox/chat/chat_fixture.hpp"
#include "directory/locator.hpp"
#include "support/eventually.hpp"
#include "support/held_registration.hpp"
#include "support/notify_listener.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <optional>
#include <thread>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::eventually;
using imchat::test::held_registration;
using namespace imchat::test::chat;

TEST_SUITE("chat: names") {

TEST_CASE("a room whose names were taken while it was frozen gets them back once they are free") {
  chat_fixture chat(chat_fixture::directory_mode::none);
  child_process server(
      {IMCHAT_BINARY, "server", "--listen", "127.0.0.1", "--peer-timeout", "2", std::to_string(chat.directory_port())});
  REQUIRE(server.wait_for_stderr("directory listening on", chat_timeout));
  imchat::test::notify_listener manager("@imchat-test-name-reclaim-" + std::to_string(::getpid()));
  child_process room(chat.argv({"room", "lobby", "--peer-timeout", "2"}), {{"NOTIFY_SOCKET", manager.name()}});
  INFO("room stderr:\n" << room.stderr_text());
  INFO("server stderr:\n" << server.stderr_text());
  REQUIRE(room.wait_for_stderr("room 'lobby' is open", chat_timeout));
  REQUIRE(manager.receive_containing("READY=1", chat_timeout));

  // Frozen past the peer timeout: the directory frees both names, and the squatter takes them.
  imchat::directory::locator look(chat.directory());
  const auto registered = [&](const std::string& name) { return look.lookup(name, 5s).has_value(); };
  REQUIRE(registered("Q_lobby"));
  REQUIRE(room.send_signal(SIGSTOP));
  CHECK(eventually([&] { return !registered("Q_lobby") && !registered("E_lobby"); }, chat_timeout));
  std::optional<held_registration> squat_queue, squat_exchange;
  squat_queue.emplace(chat.directory_port(), imchat::wire::object_kind::queue, "Q_lobby",
                      std::vector<std::string>{"127.0.0.1:1"});
  squat_exchange.emplace(chat.directory_port(), imchat::wire::object_kind::exchange, "E_lobby",
                         std::vector<std::string>{"127.0.0.1:1"});
  REQUIRE(room.send_signal(SIGCONT));

  // Said at error level, once per name, and in STATUS while it lasts.
  CHECK(room.wait_for_stderr(" error lost the name 'Q_lobby'", chat_timeout));
  CHECK(room.wait_for_stderr(" error lost the name 'E_lobby'", chat_timeout));
  const auto status = manager.receive_containing("name 'Q_lobby' is held by", chat_timeout);
  REQUIRE(status);
  CHECK(status->find("STATUS=") != std::string::npos);
  CHECK(status->find("retrying") != std::string::npos);
  // It goes on trying (a few attempts pass, bounded 1-5 s apart) without spamming the log.
  std::this_thread::sleep_for(6s);
  CHECK(still_running(room));
  CHECK(occurrences(room.stderr_text(), "lost the name 'Q_lobby'") == 1);
  CHECK(occurrences(room.stderr_text(), "still cannot get the name") == 0);
  const auto squatted = look.lookup("Q_lobby", 5s);
  REQUIRE(squatted);
  CHECK(squatted->endpoints == std::vector<std::string>{"127.0.0.1:1"});

  // The squatter goes: the room takes its names back, says so, and can be found again.
  squat_queue.reset();
  squat_exchange.reset();
  CHECK(room.wait_for_stderr(" info got the name 'Q_lobby' back", chat_timeout));
  CHECK(room.wait_for_stderr(" info got the name 'E_lobby' back", chat_timeout));
  CHECK(manager.receive_containing("STATUS=open", chat_timeout));
  const auto reclaimed = look.lookup("Q_lobby", 5s);
  REQUIRE(reclaimed);
  CHECK(reclaimed->endpoints != std::vector<std::string>{"127.0.0.1:1"});

  auto display = chat.start_display("lobby");
  INFO("display stderr:\n" << display.stderr_text());
  chat.sync_displays("lobby", {&display});
  auto kofi = chat.start_prompt("lobby", "kofi");
  REQUIRE(kofi.write_stdin("back in the lobby\n"));
  require_stdout(display, "kofi: back in the lobby\n");
}

}  // TEST_SUITE
