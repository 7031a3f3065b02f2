// The tutorial's programs on three hosts: the directory server on one, a room bound to
// one of its interfaces by name on a second, a prompt and a display on a third, each host
// a network namespace of this machine (see test_network.hpp). Shows that what a room
// registers for "INTERFACE:PORT" is where another host reaches it, and only there; and
// that a link cut between hosts (no close, no reset: packets just vanish) is noticed by
// the heartbeats within the peer timeout: between the room and its users the chat
// resumes once the link is back; between the room and the directory the room's names are
// freed, the chat goes on, and the room registers again once the link is back.
//
// Making namespaces needs root and `ip netns`. Where that is impossible the test reports
// itself skipped (support/skip.hpp), not passed; in CI, where we are root, a skip fails.

#include "blackbox/kernel/test_network.hpp"

#include "support/eventually.hpp"
#include "support/child_process.hpp"
#include "support/deadline.hpp"
#include "support/run_program.hpp"
#include "support/skip.hpp"
#include "support/imchat_binary.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::eventually;
using imchat::test::exit_status;
using imchat::test::test_network;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

child_process imchat_on(const test_network::host& where, std::vector<std::string> args) {
  args.insert(args.begin(), IMCHAT_BINARY);
  return child_process(test_network::run_in(where, std::move(args)));
}

// Whether a TCP connection from `where` to ADDRESS:PORT succeeds (bash's /dev/tcp).
bool connects(const test_network::host& where, const std::string& address, int port) {
  child_process attempt(test_network::run_in(
      where, {"timeout", "5", "bash", "-c", "exec 3<>/dev/tcp/" + address + "/" + std::to_string(port)}));
  attempt.close_stdin();
  return attempt.wait_exit() == exit_status::exited(0);
}

// The display gets what is said once it is attached, and nothing announces that: lines
// go round until it shows one. True once it did, false if `timeout` passes first.
bool said_until_shown(child_process& prompt, child_process& display, const std::string& tag,
                      std::chrono::milliseconds timeout) {
  const imchat::test::deadline until(timeout);
  for (int i = 1; !until.expired(); ++i) {
    if (!prompt.write_stdin(tag + " " + std::to_string(i) + "\n")) return false;
    if (display.wait_for_stdout("kofi: " + tag + " ", 200ms)) return true;
  }
  return false;
}

// Whether `imchat server --list`, run on `where`, shows `name`.
bool listed(const test_network::host& where, const std::string& directory, const std::string& name) {
  const auto result = imchat::test::run_program(
      test_network::run_in(where, {IMCHAT_BINARY, "server", "--list", "--directory", directory, "--timeout", "2"}));
  return contains(result.stdout_text, name);
}

// Ends a chat cleanly: the prompt at the end of its input, the others by SIGTERM, each
// with exit status 0.
void end_chat(child_process& prompt, std::initializer_list<child_process*> others) {
  prompt.close_stdin();
  CHECK(prompt.wait_exit() == exit_status::exited(0));
  for (auto* program : others) {
    program->send_signal(SIGTERM);
    CHECK(program->wait_exit() == exit_status::exited(0));
  }
}

// True (after printing the skip marker) when this machine cannot make the namespaces.
bool cannot_make_namespaces() {
  const auto why = test_network::unavailable();
  if (why) imchat::test::report_skip("cannot make network namespaces here: " + *why);
  return why.has_value();
}

}  // namespace

TEST_SUITE("kernel_netns") {

TEST_CASE("kernel: a room bound to an interface by name serves a prompt and a display on another host") {
  if (cannot_make_namespaces()) return;
  test_network network;  // before the programs: they must end before their hosts go
  const std::string directory_port = "5682";
  const auto& room_interface = network.room().to_user;

  auto server = imchat_on(network.server(), {"server", directory_port});
  REQUIRE_MESSAGE(server.wait_for_stderr("directory listening on"), server.stderr_text());

  // Its IPv6 link-local address is still tentative, as just after the interface came up.
  REQUIRE_FALSE(test_network::tentative_addresses(network.room(), room_interface).empty());
  auto room = imchat_on(network.room(), {"room", "cheese", room_interface + ":5555", room_interface + ":5556",
                                         "--directory", std::string(test_network::server_address_for_room) + ":" +
                                                            directory_port});
  REQUIRE_MESSAGE(room.wait_for_stderr("is open"), room.stderr_text());
  // It registered the address of the interface it was given, with the ports asked for.
  const std::string room_address = test_network::room_address_for_user;
  CHECK(contains(room.stderr_text(), room_address + ":5555"));
  CHECK(contains(room.stderr_text(), room_address + ":5556"));
  CHECK_FALSE(contains(room.stderr_text(), test_network::room_address_for_server));

  // It listens on that interface only: from the user's host it answers, from the server's
  // host (on the room's other interface) it does not.
  CHECK(connects(network.user(), room_address, 5555));
  CHECK_FALSE(connects(network.server(), test_network::room_address_for_server, 5555));

  const auto user_directory = std::string(test_network::server_address_for_user) + ":" + directory_port;
  auto display = imchat_on(network.user(), {"display", "cheese", "--directory", user_directory});
  auto prompt = imchat_on(network.user(), {"prompt", "cheese", "kofi", "--directory", user_directory});

  const bool shown = said_until_shown(prompt, display, "hello", 20s);
  INFO("room:\n" << room.stderr_text() << "\ndisplay:\n" << display.stderr_text() << "\nprompt:\n"
                 << prompt.stderr_text());
  REQUIRE(shown);
  REQUIRE(prompt.write_stdin("international affairs\n"));
  CHECK(display.wait_for_stdout("kofi: international affairs", 10s));

  end_chat(prompt, {&display, &room, &server});
}

TEST_CASE("kernel: a cut link is noticed at both ends within the peer timeout and the chat resumes when it is back") {
  if (cannot_make_namespaces()) return;
  test_network network;  // before the programs: they must end before their hosts go
  const std::string directory_port = "5682";
  const auto& room_interface = network.room().to_user;
  auto server = imchat_on(network.server(), {"server", directory_port});
  REQUIRE_MESSAGE(server.wait_for_stderr("directory listening on"), server.stderr_text());
  auto room = imchat_on(network.room(), {"room", "cheese", room_interface + ":5555", room_interface + ":5556",
                                         "--directory", std::string(test_network::server_address_for_room) + ":" +
                                                            directory_port, "--peer-timeout", "2"});
  REQUIRE_MESSAGE(room.wait_for_stderr("is open"), room.stderr_text());
  const auto user_directory = std::string(test_network::server_address_for_user) + ":" + directory_port;
  auto display = imchat_on(network.user(), {"display", "cheese", "--directory", user_directory, "--peer-timeout", "2"});
  auto prompt = imchat_on(network.user(), {"prompt", "cheese", "kofi", "--directory", user_directory,
                                           "--peer-timeout", "2"});
  INFO("room:\n" << room.stderr_text() << "\ndisplay:\n" << display.stderr_text() << "\nprompt:\n"
                 << prompt.stderr_text());
  REQUIRE(said_until_shown(prompt, display, "before", 20s));

  // The cable between the room and the user is cut: no FIN, no RST, only silence.
  test_network::set_link(network.room(), room_interface, false);
  const auto cut_at = std::chrono::steady_clock::now();
  const std::string verdict = "no sign of life for 2 s";
  CHECK(display.wait_for_stderr(verdict, 20s));
  CHECK(room.wait_for_stderr(verdict, 20s));
  CHECK(std::chrono::steady_clock::now() - cut_at < 10s);  // seconds, not TCP's minutes
  // The display says so on its standard output with the tutorial's line, about a second
  // after it noticed.
  CHECK(display.wait_for_stdout("Problems connecting to the chatroom...", 10s));
  CHECK(std::chrono::steady_clock::now() - cut_at < 12s);
  // Typed while the link is down: the prompt keeps the lines until the room has them.
  REQUIRE(prompt.write_stdin("during the cut 1\nduring the cut 2\nduring the cut 3\n"));

  test_network::set_link(network.room(), room_interface, true);
  // Reconnection attempts made during the cut are given up after the peer timeout, and
  // made again.
  CHECK(said_until_shown(prompt, display, "after", 60s));
  CHECK(display.wait_for_stdout("kofi: during the cut 3", 10s));
  CHECK(display.wait_for_stdout("Back in the chatroom: nothing was lost.", 10s));
  // Delivery resumed without loss: each line once, and the outage told once.
  const auto output = display.stdout_text();
  for (const std::string line : {"kofi: during the cut 1\n", "kofi: during the cut 2\n", "kofi: during the cut 3\n"}) {
    CAPTURE(line);
    CHECK(output.find(line) != std::string::npos);
    CHECK(output.find(line) == output.rfind(line));
  }
  CHECK(output.find("Problems connecting to the chatroom...") == output.rfind("Problems connecting to the chatroom..."));
  CHECK(output.find("Back in the chatroom") == output.rfind("Back in the chatroom"));

  end_chat(prompt, {&display, &room, &server});
}

TEST_CASE("kernel: a cut link to the directory frees the room's names and the room registers again when it is back") {
  if (cannot_make_namespaces()) return;
  test_network network;  // before the programs: they must end before their hosts go
  const std::string directory_port = "5682";
  const auto& room_interface = network.room().to_user;
  auto server = imchat_on(network.server(), {"server", directory_port, "--peer-timeout", "2"});
  REQUIRE_MESSAGE(server.wait_for_stderr("directory listening on"), server.stderr_text());
  auto room = imchat_on(network.room(), {"room", "cheese", room_interface + ":5555", room_interface + ":5556",
                                         "--directory", std::string(test_network::server_address_for_room) + ":" +
                                                            directory_port, "--peer-timeout", "2"});
  REQUIRE_MESSAGE(room.wait_for_stderr("is open"), room.stderr_text());
  const auto user_directory = std::string(test_network::server_address_for_user) + ":" + directory_port;
  auto display = imchat_on(network.user(), {"display", "cheese", "--directory", user_directory});
  auto prompt = imchat_on(network.user(), {"prompt", "cheese", "kofi", "--directory", user_directory});
  INFO("server:\n" << server.stderr_text() << "\nroom:\n" << room.stderr_text() << "\ndisplay:\n"
                   << display.stderr_text() << "\nprompt:\n" << prompt.stderr_text());
  REQUIRE(said_until_shown(prompt, display, "before", 20s));
  REQUIRE(listed(network.user(), user_directory, "Q_cheese"));

  // Cut at the directory's end: the room's packets to it vanish, SYNs included.
  test_network::pin_neighbour(network.room(), network.room().to_server, network.server(), network.server().to_room,
                              test_network::server_address_for_room);
  test_network::set_link(network.server(), network.server().to_room, false);
  const auto cut_at = std::chrono::steady_clock::now();
  CHECK(server.wait_for_stderr("no sign of life for 2 s", 20s));
  CHECK(eventually([&] { return !listed(network.user(), user_directory, "Q_cheese"); }, 20s));
  CHECK(std::chrono::steady_clock::now() - cut_at < 10s);  // seconds, not TCP's minutes
  CHECK(room.wait_for_stderr("no sign of life for 2 s", 20s));
  // The chat does not need the directory.
  CHECK(said_until_shown(prompt, display, "meanwhile", 20s));

  // Down for a while: the room's attempts to reconnect go unanswered meanwhile, and TCP
  // resends an unanswered SYN ever more rarely (1 s, 2 s, 4 s, 8 s... apart).
  std::this_thread::sleep_until(cut_at + 10s);
  test_network::set_link(network.server(), network.server().to_room, true);
  const auto restored_at = std::chrono::steady_clock::now();
  CHECK(eventually([&] { return listed(network.user(), user_directory, "Q_cheese"); }, 30s));
  // Within the locator's backoff (3 s at most) and one unanswered connection attempt.
  CHECK(std::chrono::steady_clock::now() - restored_at < 6s);
  auto newcomer = imchat_on(network.user(), {"display", "cheese", "--directory", user_directory});
  CHECK(said_until_shown(prompt, newcomer, "after", 20s));

  end_chat(prompt, {&newcomer, &display, &room, &server});
}

}  // TEST_SUITE
