// Links that die without closing, between the real chat programs: a display reaches its
// room through a fault proxy that the test stalls, so that both ends hear nothing, as
// over a cut cable. Heartbeats make both ends notice within the peer timeout (TCP alone
// would wait for minutes), the display reconnects and prints the tutorial's "Problems
// connecting to the chatroom...", and once the link is back it resumes where it left off:
// what was said meanwhile arrives, once, and a line says that nothing was lost.
//
// To put the proxy in the path, the display uses a directory of its own where the test
// registers the room's exchange with the proxy's endpoint; the room and the prompts use
// the fixture's directory, and so reach each other directly.

#include "blackbox/chat/chat_fixture.hpp"
#include "blackbox/chat/chat_lines.hpp"
#include "blackbox/directory/running_directory.hpp"
#include "support/fault_proxy.hpp"
#include "support/held_registration.hpp"
#include "support/tcp_ports.hpp"
#include "support/imchat_binary.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::fault_proxy;
using imchat::test::free_tcp_port;
using imchat::test::held_registration;
using imchat::test::running_directory;
using namespace imchat::test::chat;

TEST_SUITE("chat: heartbeats") {

TEST_CASE("a stalled link between a display and its room is noticed at both ends and the chat resumes") {
  chat_fixture chat;
  const auto exchange_port = free_tcp_port();
  auto room = chat.start_room("faulty", {"127.0.0.1:" + std::to_string(free_tcp_port()),
                                         "127.0.0.1:" + std::to_string(exchange_port), "--peer-timeout", "2"});
  fault_proxy proxy(exchange_port);
  running_directory displays_directory;
  held_registration advertised(displays_directory.port(), imchat::wire::object_kind::exchange, "E_faulty",
                               {"127.0.0.1:" + std::to_string(proxy.port())});
  child_process display({IMCHAT_BINARY, "display", "faulty", "--directory", displays_directory.address(),
                         "--peer-timeout", "2"});
  INFO("room stderr:\n" << room.stderr_text());
  INFO("display stderr:\n" << display.stderr_text());
  INFO("display stdout:\n" << display.stdout_text());
  chat.sync_displays("faulty", {&display});
  REQUIRE(proxy.open_connections() == 1);

  proxy.stall();
  const auto stalled_at = std::chrono::steady_clock::now();
  const std::string verdict = "no sign of life for 2 s";
  CHECK(display.wait_for_stderr(verdict, chat_timeout));
  CHECK(room.wait_for_stderr(verdict, chat_timeout));
  // Both within a few seconds of the timeout, not TCP's minutes.
  CHECK(std::chrono::steady_clock::now() - stalled_at < 8s);
  CHECK(display.wait_for_stderr("lost the connection to 'E_faulty'", chat_timeout));  // and said so
  // On its standard output too, with the tutorial's line, a second or so later.
  CHECK(display.wait_for_stdout(problems_line, chat_timeout));
  CHECK(std::chrono::steady_clock::now() - stalled_at < 10s);
  CHECK(still_running(display));
  CHECK(still_running(room));

  // What is said meanwhile waits in the room's history.
  auto kofi = chat.start_prompt("faulty", "kofi");
  REQUIRE(kofi.write_stdin("during the outage 1\nduring the outage 2\nduring the outage 3\n"));

  // Back: the display's reconnection (held by the stalled proxy until now) goes through,
  // it resumes after the last line it printed, and new messages follow.
  proxy.unstall();
  require_stdout(display, "kofi: during the outage 3\n");
  REQUIRE(kofi.write_stdin("after the outage\n"));
  require_stdout(display, "kofi: after the outage\n");
  CHECK(proxy.accepted_connections() >= 2);
  const auto output = display.stdout_text();
  for (const auto* line : {"kofi: during the outage 1\n", "kofi: during the outage 2\n",
                           "kofi: during the outage 3\n", "kofi: after the outage\n"})
    CHECK(occurrences(output, line) == 1);
  // One outage: the tutorial's line once, and once that it is over with nothing lost.
  CHECK(occurrences(output, problems_line) == 1);
  CHECK(occurrences(output, "\nBack in the chatroom: nothing was lost.\n") == 1);
  CHECK(output.find(problems_line) < output.find("Back in the chatroom"));
}

}  // TEST_SUITE
