// imchat chat, the one-terminal client, as a person uses it: in tmux panes, keys typed
// with send-keys and the screen read back with capture-pane, against a real room.

#include "blackbox/chat/chat_fixture.hpp"
#include "blackbox/chat/chat_lines.hpp"
#include "blackbox/chat/tmux_server.hpp"
#include "support/deadline.hpp"
#include "support/eventually.hpp"
#include "support/run_program.hpp"
#include "support/scratch_directory.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <optional>
#include <regex>
#include <thread>

using namespace std::chrono_literals;
using namespace imchat::test::chat;
using imchat::test::exit_status;

namespace {

// `imchat chat ROOM USER extra...` in a new tmux session of `width` x `height`, REQUIREd to
// show that it is connected.
void start_chat(tmux_server& tmux, const chat_fixture& chat, const std::string& session, const std::string& room,
                const std::string& user, std::vector<std::string> extra = {}, int width = 100, int height = 30) {
  extra.insert(extra.begin(), {"chat", room, user});
  tmux.new_session(session, chat.argv(std::move(extra)), width, height);
  const bool connected = tmux.wait_for_screen(session, "connected to " + room + " at 127.0.0.1:");
  INFO("screen:\n" << tmux.screen(session));
  INFO("stderr:\n" << tmux.stderr_text(session));
  REQUIRE(connected);
}

// The rows of the screen that show a chat line of `user` saying `text` (stamped by the room).
std::size_t said(const std::string& screen, const std::string& user, const std::string& text) {
  std::size_t count = 0;
  for (const auto& row : screen_rows(screen)) {
    const auto line = parse_chat_line(row);
    if (line && line->user == user && line->text == text) ++count;
  }
  return count;
}

// Waits until the screen shows `user` saying `text` (in one row).
bool wait_for_said(tmux_server& tmux, const std::string& target, const std::string& user, const std::string& text) {
  return imchat::test::eventually([&] { return said(tmux.screen(target), user, text) > 0; }, chat_timeout);
}

// Says `lines` in `room` from a prompt reading a pipe, and waits until the room has them.
void say_from_prompt(const chat_fixture& chat, const std::string& room, const std::string& user,
                     const std::vector<std::string>& lines) {
  auto prompt = chat.start_prompt(room, user);
  for (const auto& line : lines) REQUIRE(prompt.write_stdin(line + "\n"));
  prompt.close_stdin();
  check_exits_0(prompt);
}

}  // namespace

TEST_SUITE("chat: one terminal") {

TEST_CASE("two chat clients in two panes talk both ways - each line once as the room stamped it") {
  chat_fixture chat;
  auto room = chat.start_room("cheese-two-panes");
  tmux_server tmux;
  start_chat(tmux, chat, "kofi", "cheese-two-panes", "kofi", {}, 160, 30);
  const auto ama = tmux.split_window("kofi", "ama", chat.argv({"chat", "cheese-two-panes", "ama"}));
  REQUIRE(tmux.wait_for_screen(ama, "connected to cheese-two-panes at 127.0.0.1:"));

  tmux.type_line("kofi", "hello from kofi");
  tmux.type_line(ama, "and hello from ama");
  tmux.type_line("kofi", "ünïcödé 日本語 😀");
  for (const auto& pane : {std::string("kofi"), ama}) {
    INFO("pane " << pane << ":\n" << tmux.screen(pane));
    REQUIRE(wait_for_said(tmux, pane, "kofi", "ünïcödé 日本語 😀"));
    REQUIRE(wait_for_said(tmux, pane, "ama", "and hello from ama"));
    const auto screen = tmux.screen(pane);
    CHECK(said(screen, "kofi", "hello from kofi") == 1);
    CHECK(said(screen, "ama", "and hello from ama") == 1);
    CHECK(said(screen, "kofi", "ünïcödé 日本語 😀") == 1);
    CHECK(screen.find("not acknowledged") == std::string::npos);
  }
  // Ctrl-C leaves at once; /quit once the room has everything.
  tmux.press(ama, "C-c");
  CHECK(tmux.wait_for_exit("ama") == "0");
  tmux.type_line("kofi", "/quit");
  CHECK(tmux.wait_for_exit("kofi") == "0");
  INFO(tmux.stderr_text("kofi"));
  CHECK(tmux.stderr_text("kofi").empty());
}

TEST_CASE("joining shows the last 20 messages - or --history N - then everything live") {
  chat_fixture chat;
  auto room = chat.start_room("cheese-history");
  std::vector<std::string> earlier;
  for (int i = 1; i <= 30; ++i) earlier.push_back("earlier " + std::to_string(i));
  say_from_prompt(chat, "cheese-history", "ama", earlier);

  tmux_server tmux;
  start_chat(tmux, chat, "default", "cheese-history", "kofi", {}, 100, 40);
  start_chat(tmux, chat, "five", "cheese-history", "kofi", {"--history", "5"}, 100, 40);
  REQUIRE(wait_for_said(tmux, "default", "ama", "earlier 30"));
  REQUIRE(wait_for_said(tmux, "five", "ama", "earlier 30"));
  const auto shown = tmux.screen("default");
  INFO(shown);
  for (int i = 1; i <= 30; ++i) CHECK(said(shown, "ama", "earlier " + std::to_string(i)) == (i > 10 ? 1 : 0));
  const auto five = tmux.screen("five");
  INFO(five);
  for (int i = 1; i <= 30; ++i) CHECK(said(five, "ama", "earlier " + std::to_string(i)) == (i > 25 ? 1 : 0));

  say_from_prompt(chat, "cheese-history", "ama", {"live now"});
  CHECK(wait_for_said(tmux, "default", "ama", "live now"));
  CHECK(wait_for_said(tmux, "five", "ama", "live now"));
}

TEST_CASE("the input line edits as readline does - and Up brings back what was sent") {
  chat_fixture chat;
  auto room = chat.start_room("cheese-editing");
  tmux_server tmux;
  start_chat(tmux, chat, "kofi", "cheese-editing", "kofi");

  tmux.type("kofi", "helo world");
  tmux.press_keys("kofi", {"Left", "Left", "Left", "Left", "Left", "Left", "Left"});  // before "o world"
  tmux.type("kofi", "l");
  tmux.press("kofi", "Home");
  tmux.type("kofi", "> ");
  tmux.press("kofi", "End");
  tmux.type("kofi", "!!");
  tmux.press_keys("kofi", {"BSpace", "Enter"});
  REQUIRE(wait_for_said(tmux, "kofi", "kofi", "> hello world!"));

  tmux.type("kofi", "drop these words keep");
  tmux.press_keys("kofi", {"C-w", "C-w"});  // "keep", then "words "
  tmux.type("kofi", "x");
  tmux.press_keys("kofi", {"C-a", "DC", "C-e", "Enter"});
  REQUIRE(wait_for_said(tmux, "kofi", "kofi", "rop these x"));

  tmux.type("kofi", "gone entirely");
  tmux.press("kofi", "C-u");
  tmux.type("kofi", "日本語");
  tmux.press_keys("kofi", {"Left", "BSpace", "Enter"});
  REQUIRE(wait_for_said(tmux, "kofi", "kofi", "日語"));

  tmux.type("kofi", "abcdef");
  tmux.press_keys("kofi", {"C-a", "Right", "Right", "C-k", "Enter"});
  REQUIRE(wait_for_said(tmux, "kofi", "kofi", "ab"));

  tmux.press_keys("kofi", {"Up", "Up", "Enter"});  // the line before the last: "日語" again
  CHECK(imchat::test::eventually([&] { return said(tmux.screen("kofi"), "kofi", "日語") == 2; }, chat_timeout));

  tmux.type_line("kofi", "/help");
  CHECK(tmux.wait_for_screen("kofi", "/quit "));
  tmux.type_line("kofi", "/nick bob");
  CHECK(tmux.wait_for_screen("kofi", "Unknown command /nick"));
  tmux.type_line("kofi", "//help is not a command here");
  CHECK(wait_for_said(tmux, "kofi", "kofi", "/help is not a command here"));
}

TEST_CASE("a paste of several lines sends several lines") {
  chat_fixture chat;
  auto room = chat.start_room("cheese-paste");
  tmux_server tmux;
  start_chat(tmux, chat, "kofi", "cheese-paste", "kofi");
  tmux.paste("kofi", "first pasted\nsecond pasted\nthird pasted\n");
  REQUIRE(wait_for_said(tmux, "kofi", "kofi", "third pasted"));
  const auto screen = tmux.screen("kofi");
  INFO(screen);
  CHECK(said(screen, "kofi", "first pasted") == 1);
  CHECK(said(screen, "kofi", "second pasted") == 1);
}

TEST_CASE("a long line wraps - and a resize redraws it wrapped to the new width") {
  chat_fixture chat;
  auto room = chat.start_room("cheese-wrapping");
  tmux_server tmux;
  start_chat(tmux, chat, "kofi", "cheese-wrapping", "kofi", {}, 60, 20);
  std::string text;
  for (int i = 0; text.size() < 150; ++i) text += "word" + std::to_string(i) + " ";
  text.pop_back();
  tmux.type_line("kofi", text);

  // The stamped line, cut into rows of the width: as the screen must show it.
  const auto expect_wrapped = [&](std::size_t width) {
    const bool shown = imchat::test::eventually([&] {
      const auto rows = screen_rows(tmux.screen("kofi"));
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto at = rows[i].find(" kofi: word0 ");
        if (at == std::string::npos) continue;
        const auto line = rows[i].substr(0, at) + " kofi: " + text;
        for (std::size_t row = 0; row * width < line.size(); ++row) {
          auto part = line.substr(row * width, width);
          while (!part.empty() && part.back() == ' ') part.pop_back();  // tmux drops trailing blanks
          if (i + row >= rows.size() || rows[i + row] != part) return false;
        }
        return true;
      }
      return false;
    }, chat_timeout);
    INFO("width " << width << ":\n" << tmux.screen("kofi"));
    CHECK(shown);
  };
  expect_wrapped(60);
  tmux.resize("kofi", 45, 20);
  expect_wrapped(45);
  // The status line is cut to the width, not wrapped onto the input line.
  const auto rows = screen_rows(tmux.screen("kofi"));
  REQUIRE(rows.size() >= 2);
  CHECK(rows[rows.size() - 1].starts_with("kofi>"));
  CHECK(rows[rows.size() - 2].starts_with("connected to cheese-wrapping at 127.0.0.1:"));
  tmux.resize("kofi", 100, 20);
  expect_wrapped(100);
}

TEST_CASE("PgUp and PgDn scroll back through the conversation") {
  chat_fixture chat;
  auto room = chat.start_room("cheese-scrolling");
  std::vector<std::string> lines;
  for (int i = 1; i <= 40; ++i) lines.push_back("line " + std::to_string(i));
  say_from_prompt(chat, "cheese-scrolling", "ama", lines);
  tmux_server tmux;
  start_chat(tmux, chat, "kofi", "cheese-scrolling", "kofi", {"--history", "40"}, 80, 12);  // 10 rows of conversation
  REQUIRE(wait_for_said(tmux, "kofi", "ama", "line 40"));
  CHECK(said(tmux.screen("kofi"), "ama", "line 30") == 0);

  tmux.press("kofi", "PageUp");  // 9 rows back: lines 22 to 31
  CHECK(tmux.wait_for_screen("kofi", "scrolled back"));
  auto screen = tmux.screen("kofi");
  INFO(screen);
  CHECK(said(screen, "ama", "line 22") == 1);
  CHECK(said(screen, "ama", "line 31") == 1);
  CHECK(said(screen, "ama", "line 40") == 0);
  // New lines do not move the view.
  say_from_prompt(chat, "cheese-scrolling", "ama", {"line 41"});
  std::this_thread::sleep_for(300ms);
  CHECK(said(tmux.screen("kofi"), "ama", "line 22") == 1);
  tmux.press("kofi", "PageDown");  // a page: the newest line is one row further down now
  CHECK(wait_for_said(tmux, "kofi", "ama", "line 40"));
  CHECK(said(tmux.screen("kofi"), "ama", "line 41") == 0);
  CHECK(tmux.screen("kofi").find("scrolled back") != std::string::npos);
  tmux.press("kofi", "PageDown");
  CHECK(wait_for_said(tmux, "kofi", "ama", "line 41"));
  CHECK(tmux.screen("kofi").find("scrolled back") == std::string::npos);
}

TEST_CASE("a message full of escape sequences and bidi controls is shown escaped") {
  chat_fixture chat;
  auto room = chat.start_room("cheese-escapes");
  tmux_server tmux;
  start_chat(tmux, chat, "kofi", "cheese-escapes", "kofi", {}, 200, 20);  // wide enough for the line in one row
  say_from_prompt(chat, "cheese-escapes", "mallory",
                  {"red \x1b[31mALERT\x1b[0m \x1b[2J\x1b[H cleared? \xe2\x80\xae""desrever \xe2\x81\xa6 bell\x07 \x9b"});
  const std::string escaped =
      "red \\x1b[31mALERT\\x1b[0m \\x1b[2J\\x1b[H cleared? \\u202edesrever \\u2066 bell\\x07 \\x9b";
  const bool shown = wait_for_said(tmux, "kofi", "mallory", escaped);
  INFO(tmux.screen("kofi"));
  CHECK(shown);
  // Nothing was coloured: the only attribute on the screen is the status line's reverse video.
  const auto attributes = tmux.screen("kofi", true);
  INFO(attributes);
  CHECK(attributes.find("\x1b[31m") == std::string::npos);
  CHECK(attributes.find("You are kofi in cheese-escapes") != std::string::npos);  // the screen was not cleared
}

TEST_CASE("typing while the room is killed and restarted - every line arrives once with the notice and the back line") {
  chat_fixture chat;
  imchat::test::scratch_directory state("chat-restart");
  const std::vector<std::string> durable{"--state-dir", state.path().string()};
  std::optional<imchat::test::child_process> room(chat.start_room("cheese-restart", durable));
  tmux_server tmux;
  start_chat(tmux, chat, "kofi", "cheese-restart", "kofi");
  tmux.type_line("kofi", "before the crash");
  REQUIRE(wait_for_said(tmux, "kofi", "kofi", "before the crash"));

  REQUIRE(room->send_signal(SIGKILL));
  room->wait_exit();
  CHECK(tmux.wait_for_screen("kofi", "reconnecting to cheese-restart"));
  for (int i = 1; i <= 5; ++i) tmux.type_line("kofi", "while down " + std::to_string(i));
  CHECK(tmux.wait_for_screen("kofi", std::string(problems_line)));
  CHECK(tmux.wait_for_screen("kofi", "5 lines not acknowledged"));

  room.emplace(chat.start_room("cheese-restart", durable));
  CHECK(tmux.wait_for_screen("kofi", std::string(back_line_start)));
  tmux.type_line("kofi", "after the restart");
  REQUIRE(wait_for_said(tmux, "kofi", "kofi", "after the restart"));
  const auto screen = tmux.screen("kofi");
  INFO(screen);
  CHECK(said(screen, "kofi", "before the crash") == 1);
  for (int i = 1; i <= 5; ++i) CHECK(said(screen, "kofi", "while down " + std::to_string(i)) == 1);
  CHECK(screen.find("not acknowledged") == std::string::npos);

  // And the room's log holds each once, in order: what a display joining later sees.
  auto display = chat.start_display("cheese-restart", {"--history", "100"});
  REQUIRE(display.wait_for_stdout("kofi: after the restart", chat_timeout));
  std::vector<std::string> texts;
  for (const auto& line : complete_lines(display.stdout_text()))
    if (const auto parsed = parse_chat_line(line); parsed && parsed->user == "kofi") texts.push_back(parsed->text);
  CHECK(texts == std::vector<std::string>{"before the crash", "while down 1", "while down 2", "while down 3",
                                          "while down 4", "while down 5", "after the restart"});
}

TEST_CASE("Ctrl-D with lines not acknowledged waits for the room and says so") {
  chat_fixture chat;
  auto room = chat.start_room("cheese-leaving");
  tmux_server tmux;
  start_chat(tmux, chat, "kofi", "cheese-leaving", "kofi");
  start_chat(tmux, chat, "ama", "cheese-leaving", "ama", {"--linger", "1"});

  // The room stops reading for a while (well within the peer timeouts).
  REQUIRE(room.send_signal(SIGSTOP));
  tmux.type_line("kofi", "said while the room is frozen");
  tmux.type_line("ama", "ama too");
  tmux.press("kofi", "C-d");
  tmux.press("ama", "C-d");
  CHECK(tmux.wait_for_screen("kofi", "Leaving: waiting for the room to acknowledge 1 line"));
  // Ama's linger is 1 s: she leaves without the room's word, and says so.
  CHECK(tmux.wait_for_exit("ama", 5s) == "1");
  CHECK(tmux.stderr_text("ama").find("1 line was not acknowledged by the room within the linger time (1 s)") !=
        std::string::npos);
  CHECK(tmux.wait_for_exit("kofi", 500ms).empty());  // still waiting
  REQUIRE(room.send_signal(SIGCONT));
  CHECK(tmux.wait_for_exit("kofi") == "0");
  INFO(tmux.stderr_text("kofi"));
  CHECK(tmux.stderr_text("kofi").empty());

  // Both lines reached the room, once: ama's is not lost, only unconfirmed when she left.
  auto display = chat.start_display("cheese-leaving", {"--history", "10"});
  REQUIRE(display.wait_for_stdout("kofi: said while the room is frozen", chat_timeout));
  CHECK(occurrences(display.stdout_text(), "kofi: said while the room is frozen") == 1);
}

TEST_CASE("chat waits for a room not started yet - lines typed meanwhile go once it is - and --timeout gives up") {
  chat_fixture chat;
  tmux_server tmux;
  tmux.new_session("kofi", chat.argv({"chat", "cheese-later", "kofi"}), 100, 20);
  tmux.new_session("impatient", chat.argv({"chat", "cheese-later", "ama", "--timeout", "1"}), 100, 20);
  CHECK(tmux.wait_for_screen("kofi", "cheese-later: waiting for the room to start"));
  tmux.type_line("kofi", "typed before the room");
  CHECK(tmux.wait_for_screen("kofi", "1 line not acknowledged"));
  CHECK(tmux.wait_for_exit("impatient") == "1");
  CHECK(tmux.stderr_text("impatient").find("gave up waiting for the room 'cheese-later'") != std::string::npos);

  auto room = chat.start_room("cheese-later");
  CHECK(tmux.wait_for_screen("kofi", "connected to cheese-later at 127.0.0.1:"));
  CHECK(wait_for_said(tmux, "kofi", "kofi", "typed before the room"));
  CHECK(imchat::test::eventually([&] { return tmux.screen("kofi").find("not acknowledged") == std::string::npos; },
                                 chat_timeout));
}

TEST_CASE("a chat client whose key the room refuses gives the terminal back and says why") {
  chat_fixture chat;
  imchat::test::scratch_directory keys("chat-keys");
  for (const auto* name : {"room.key", "other.key"}) {
    auto keygen = imchat::test::child_process({IMCHAT_BINARY, "keygen", (keys.path() / name).string()});
    REQUIRE(keygen.wait_exit(chat_timeout) == exit_status::exited(0));
  }
  auto room = chat.start_room("cheese-keyed", {"--key-file", (keys.path() / "room.key").string(),
                                               "--directory-key-file", "none"});
  tmux_server tmux;
  tmux.new_session("mallory", chat.argv({"chat", "cheese-keyed", "mallory", "--key-file",
                                         (keys.path() / "other.key").string(), "--directory-key-file", "none"}),
                   100, 20);
  CHECK(tmux.wait_for_exit("mallory") == "1");
  INFO(tmux.stderr_text("mallory"));
  CHECK(tmux.stderr_text("mallory").find("the key does not match the room's") != std::string::npos);
}

TEST_CASE("chat without a terminal says to use prompt and display") {
  chat_fixture chat;
  const auto result = imchat::test::run_program(chat.argv({"chat", "cheese-no-terminal", "kofi"}));
  INFO(result);
  CHECK(result.status == exit_status::exited(1));
  CHECK(result.stderr_text.find("needs a terminal") != std::string::npos);
  CHECK(result.stderr_text.find("imchat prompt ROOM USER") != std::string::npos);
  CHECK(result.stderr_text.find("imchat display ROOM") != std::string::npos);
}

}  // TEST_SUITE
