// The tutorial's disconnect notice, between the real chat programs: a display whose room
// goes away prints "Problems connecting to the chatroom..." once, about a second after
// its connection broke (a blip that loses nothing is not worth a line), and when the
// room is back one line that says so and what was lost. A link that goes silent is
// covered in dead_link_test.cpp (a stalled proxy) and kernel_netns_test.cpp (a cut veth).

#include "blackbox/chat/chat_fixture.hpp"
#include "blackbox/chat/chat_lines.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::exit_status;
using namespace imchat::test::chat;

namespace {

constexpr std::string_view restarted_line = "Back in the chatroom: it restarted, so messages sent meanwhile may be lost.";
constexpr std::string_view nothing_lost_line = "Back in the chatroom: nothing was lost.";

// Ends the room with `signal`, then checks that each display prints the problems line
// once, no sooner than a second after the room went and within a few seconds; restarts the
// room (with `room_args`) and checks the back line, `back_line`, and that the chat goes on.
void check_outage_told(int signal, const std::vector<std::string>& room_args, std::string_view back_line) {
  chat_fixture chat;
  std::optional<child_process> room(chat.start_room("fickle", room_args));
  std::vector<child_process> displays;
  for (int i = 0; i < 2; ++i) displays.push_back(chat.start_display("fickle"));
  std::vector<child_process*> watching;
  for (auto& display : displays) watching.push_back(&display);
  chat.sync_displays("fickle", watching);
  for (auto& display : displays) CHECK(occurrences(display.stdout_text(), problems_line) == 0);

  REQUIRE(room->send_signal(signal));
  const auto gone_at = std::chrono::steady_clock::now();
  const auto status = room->wait_exit(chat_timeout);
  CHECK(status == (signal == SIGKILL ? exit_status::killed_by(SIGKILL) : exit_status::exited(0)));
  for (auto& display : displays) {
    INFO("display stdout:\n" << display.stdout_text());
    INFO("display stderr:\n" << display.stderr_text());
    REQUIRE(display.wait_for_stdout(problems_line, chat_timeout));
    const auto told_after = std::chrono::steady_clock::now() - gone_at;
    CHECK(told_after >= 1s);  // the grace: a blip would not be told
    CHECK(told_after < 10s);
  }
  // However many attempts to reconnect fail meanwhile, one line per outage.
  std::this_thread::sleep_for(3s);
  for (auto& display : displays) {
    CHECK(occurrences(display.stdout_text(), problems_line) == 1);
    CHECK(occurrences(display.stdout_text(), back_line_start) == 0);
    CHECK(display.stdout_text().ends_with(std::string(problems_line) + "\n"));
  }

  // Back: the same room on its log, or a new one in memory that cannot know what its
  // predecessor sent, and says so.
  room.emplace(chat.start_room("fickle", room_args));
  for (auto& display : displays) require_stdout(display, "\n" + std::string(back_line) + "\n");
  chat.sync_displays("fickle", watching);
  auto kofi = chat.start_prompt("fickle", "kofi");
  REQUIRE(kofi.write_stdin("after the outage\n"));
  for (auto& display : displays) {
    require_stdout(display, "kofi: after the outage\n");
    const auto output = display.stdout_text();
    INFO("display stdout:\n" << output);
    CHECK(occurrences(output, problems_line) == 1);
    CHECK(occurrences(output, back_line_start) == 1);
    CHECK(output.find(problems_line) < output.find(back_line));
  }
  kofi.close_stdin();
  check_exits_0(kofi);
}

}  // namespace

TEST_SUITE("chat: disconnect notice") {

TEST_CASE("a display whose room is killed says Problems connecting to the chatroom once and then that it is back") {
  check_outage_told(SIGKILL, {}, nothing_lost_line);
}

TEST_CASE("a display whose memory-only room is killed is told that the new room cannot say what was lost") {
  check_outage_told(SIGKILL, {"--memory-only"}, restarted_line);
}

TEST_CASE("a display whose room is stopped says Problems connecting to the chatroom once and then that it is back") {
  check_outage_told(SIGTERM, {}, nothing_lost_line);
}

}  // TEST_SUITE
