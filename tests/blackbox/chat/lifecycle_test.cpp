// Starting and stopping the chat programs: SIGINT and SIGTERM stop each of them cleanly,
// and the rules for room names hold on every command line.

#include "blackbox/chat/chat_fixture.hpp"
#include "blackbox/chat/chat_lines.hpp"
#include "support/run_program.hpp"
#include "support/tcp_ports.hpp"

#include <doctest/doctest.h>

#include <ctime>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::exit_status;
using imchat::test::free_tcp_port;
using namespace imchat::test::chat;

namespace {

std::string signal_name(int number) { return number == SIGINT ? "SIGINT" : "SIGTERM"; }

// Signals `child` and checks that it exits 0 soon after.
void check_stops_cleanly(child_process& child, int signal_number) {
  REQUIRE(still_running(child));
  REQUIRE(child.send_signal(signal_number));
  const auto status = child.wait_exit(chat_timeout);
  INFO("stderr:\n" << child.stderr_text());
  REQUIRE(status.has_value());  // a program that does not stop fails the test at once
  CHECK(*status == exit_status::exited(0));
}

// A name of exactly `size` bytes: UTF-8 with spaces, then `last` as its final byte.
std::string long_name(std::size_t size, char last) {
  const std::string phrase = "affaires étrangères 国际事务 ";  // 2-byte and 3-byte characters
  std::string name;
  while (name.size() + phrase.size() < size) name += phrase;
  name.append(size - 1 - name.size(), '_');
  return name + last;
}

}  // namespace

TEST_SUITE("chat: lifecycle") {

TEST_CASE("SIGINT and SIGTERM stop every program cleanly with exit status 0") {
  for (const int signal_number : {SIGINT, SIGTERM}) {
    CAPTURE(signal_name(signal_number));
    chat_fixture chat;
    // Waiting for a room that never comes.
    auto early_display = chat.start_display("absent");
    auto early_prompt = chat.start_prompt("absent", "kofi");
    REQUIRE(early_display.wait_for_stderr("waiting for the room", chat_timeout));
    REQUIRE(early_prompt.wait_for_stderr("waiting for the room", chat_timeout));
    check_stops_cleanly(early_display, signal_number);
    check_stops_cleanly(early_prompt, signal_number);

    // Busy: bound to a running room, the prompt waiting for input.
    auto room = chat.start_room("busy");
    auto display = chat.start_display("busy");
    chat.sync_displays("busy", {&display});
    auto prompt = chat.start_prompt("busy", "kofi");
    REQUIRE(prompt.write_stdin("still here\n"));
    require_stdout(display, "kofi: still here\n");
    check_stops_cleanly(prompt, signal_number);
    check_stops_cleanly(display, signal_number);
    check_stops_cleanly(room, signal_number);
    check_stops_cleanly(*chat.server(), signal_number);
  }
}

TEST_CASE("a room stopped by a signal leaves the directory so the same room can start again at once") {
  for (const int signal_number : {SIGINT, SIGTERM}) {
    CAPTURE(signal_name(signal_number));
    chat_fixture chat;
    // The same command twice, fixed ports and all, as a user restarting it would.
    const std::vector<std::string> ports{"lo:" + std::to_string(free_tcp_port()),
                                         "lo:" + std::to_string(free_tcp_port())};
    auto room = chat.start_room("again", ports);
    auto display = chat.start_display("again");
    chat.sync_displays("again", {&display});
    check_stops_cleanly(room, signal_number);

    auto second = chat.start_room("again", ports);
    chat.sync_displays("again", {&display});
    check_stops_cleanly(second, signal_number);
    // And with an embedded directory, which goes away with its room.
    chat_fixture embedded(chat_fixture::directory_mode::none);
    for (int run = 0; run < 2; ++run) {
      auto own = embedded.start_room("again", {"--embedded-directory"});
      check_stops_cleanly(own, signal_number);
    }
  }
}

TEST_CASE("a room name that is empty or too long or has control characters is a usage error") {
  chat_fixture chat(chat_fixture::directory_mode::none);  // nothing runs: they must not get that far
  const std::vector<std::pair<std::string, std::string>> bad_names{
      {"", "empty"},
      {std::string(201, 'a'), "at most 200 bytes"},
      {long_name(201, 'x'), "at most 200 bytes"},
      {"tab\there", "control characters"},
      {"new\nline", "control characters"},
      {"escape \x1b[2J", "control characters"},
      {"delete \x7f", "control characters"},
      {"c1 \xC2\x9B", "control characters"},
      {"bad \xFF utf8", "UTF-8"},
  };
  for (const auto& [name, why] : bad_names) {
    for (const auto& program : {std::vector<std::string>{"room", name},
                                std::vector<std::string>{"display", name},
                                std::vector<std::string>{"prompt", name, "kofi"}}) {
      CAPTURE(program.front());
      CAPTURE(why);
      const auto result = imchat::test::run_program(chat.argv(program), {}, chat_timeout);
      INFO(result);
      CHECK(result.status == exit_status::exited(2));
      CHECK(result.stderr_text.find(why) != std::string::npos);
      CHECK(result.stderr_text.find("usage: imchat " + program.front()) != std::string::npos);
      CHECK(result.stdout_text.empty());
      // The bad name is not echoed raw to the terminal.
      if (name.find_first_of("\x1b\x7f") != std::string::npos) CHECK(result.stderr_text.find(name) == std::string::npos);
    }
  }
}

TEST_CASE("a 150-byte UTF-8 room name with spaces works and the whole name counts") {
  chat_fixture chat;
  // Two names that differ only in their last byte: two rooms, not one.
  const auto first = long_name(150, 'A'), second = long_name(150, 'B');
  REQUIRE(first.size() == 150);
  REQUIRE(is_valid_utf8(first));
  REQUIRE(first.find(' ') != std::string::npos);
  auto room_a = chat.start_room(first);
  auto room_b = chat.start_room(second);
  auto display_a = chat.start_display(first);
  auto display_b = chat.start_display(second);
  chat.sync_displays(first, {&display_a});
  chat.sync_displays(second, {&display_b});

  const time_window window{.from = std::time(nullptr), .to = 0};
  auto kofi = chat.start_prompt(first, "kofi");
  auto ban = chat.start_prompt(second, "ban");
  REQUIRE(kofi.write_stdin("in the first room\n"));
  REQUIRE(ban.write_stdin("in the second room\n"));
  require_stdout(display_a, "kofi: in the first room\n");
  require_stdout(display_b, "ban: in the second room\n");
  chat.sync_displays(first, {&display_a});
  chat.sync_displays(second, {&display_b});
  const time_window seen{.from = window.from, .to = std::time(nullptr)};
  check_transcript(display_a.stdout_text(), {{"kofi", {"in the first room"}}}, seen);
  check_transcript(display_b.stdout_text(), {{"ban", {"in the second room"}}}, seen);
  CHECK(users_in(display_a.stdout_text()) == std::set<std::string>{"kofi", "probe"});
  CHECK(users_in(display_b.stdout_text()) == std::set<std::string>{"ban", "probe"});

  // The longest name allowed works too.
  auto longest = chat.start_room(long_name(200, 'C'));
}

}  // TEST_SUITE
