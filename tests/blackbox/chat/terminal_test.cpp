// The chat programs on real terminals, as the tutorial's user runs them: an interactive
// prompt in one tmux session, a display in another, keys typed into the prompt and the
// display's screen read back.

#include "blackbox/chat/chat_fixture.hpp"
#include "blackbox/chat/chat_lines.hpp"
#include "blackbox/chat/tmux_server.hpp"
#include "support/eventually.hpp"
#include "support/run_program.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace std::chrono_literals;
using imchat::test::exit_status;
using imchat::test::program_result;
using namespace imchat::test::chat;


TEST_SUITE("chat: terminal") {

TEST_CASE("lines typed at an interactive prompt in tmux appear on a display in tmux") {
  chat_fixture chat;
  const std::string room = "international affairs";
  auto room_process = chat.start_room(room);
  tmux_server tmux;
  tmux.new_session("chat-display", chat.argv({"display", room}));
  tmux.new_session("chat-prompt", chat.argv({"prompt", room, "kofi"}));

  // Until the display is bound, what is said is not shown: type until a line gets through.
  const imchat::test::deadline until(chat_timeout);
  for (int n = 1; !tmux.wait_for_screen("chat-display", "kofi: ping ", 500ms); ++n) {
    INFO("display screen:\n" << tmux.screen("chat-display"));
    INFO("prompt screen:\n" << tmux.screen("chat-prompt"));
    REQUIRE_FALSE(until.expired());
    tmux.type_line("chat-prompt", "ping " + std::to_string(n));
  }

  const std::time_t typing_from = std::time(nullptr);
  tmux.type_line("chat-prompt", "hello from the terminal");
  tmux.type_line("chat-prompt", "ünïcödé and   spaces");
  tmux.type_line("chat-prompt", "clear \x1b[2J\x1b[H the screen?");
  tmux.type_line("chat-prompt", "the end");
  const bool all_shown = tmux.wait_for_screen("chat-display", "kofi: the end");
  const auto screen = tmux.screen("chat-display");
  const time_window window{.from = typing_from, .to = std::time(nullptr)};
  INFO("display screen:\n" << screen);
  REQUIRE(all_shown);

  // The display's screen: stamped lines only, the typed ones in order, the escape shown
  // as text (the screen was not cleared: the first lines are still there).
  std::vector<std::string> typed;
  for (const auto& line : complete_lines(screen)) {
    if (line.empty()) continue;  // the rest of the screen
    CAPTURE(line);
    const auto parsed = parse_chat_line(line);
    REQUIRE(parsed.has_value());
    CHECK(parsed->user == "kofi");
    if (!parsed->text.starts_with("ping ")) {
      typed.push_back(parsed->text);
      CHECK(window.contains(parsed->time));
    }
  }
  const std::vector<std::string> expected{"hello from the terminal", "ünïcödé and   spaces",
                                          "clear \\x1b[2J\\x1b[H the screen?", "the end"};
  INFO("typed lines shown: " << joined(typed));
  CHECK(typed == expected);

  // Ctrl-D ends the prompt's input, Ctrl-C stops the display: both exit 0.
  tmux.press("chat-prompt", "C-d");
  CHECK(tmux.wait_for_exit("chat-prompt") == "0");
  tmux.press("chat-display", "C-c");
  CHECK(tmux.wait_for_exit("chat-display") == "0");
}

}  // TEST_SUITE
