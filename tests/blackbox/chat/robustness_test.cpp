// The chat programs when things are not as they should be: hostile message bytes, a room
// that dies, programs started before their room, and no room at all.

#include "blackbox/chat/chat_fixture.hpp"
#include "blackbox/chat/chat_lines.hpp"
#include "support/tcp_ports.hpp"
#include "support/imchat_binary.hpp"

#include <doctest/doctest.h>

#include <ctime>
#include <thread>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::exit_status;
using imchat::test::free_tcp_port;
using namespace imchat::test::chat;

namespace {

// Waits until `display` has printed the line `wanted`.
bool wait_for_line(child_process& display, std::string_view wanted) {
  return display.wait_for_stdout("\n" + std::string(wanted) + "\n", chat_timeout) ||
         display.stdout_text().starts_with(std::string(wanted) + "\n");
}

}  // namespace

TEST_SUITE("chat: robustness") {

TEST_CASE("message bytes that could drive a terminal or hide text reach the display escaped") {
  chat_fixture chat;
  auto room = chat.start_room("terminal");
  auto display = chat.start_display("terminal");
  chat.sync_displays("terminal", {&display});

  const std::vector<std::string> hostile{
      "esc \x1b[2J\x1b]0;title\x07 end",    // ESC: clear screen, set title; BEL
      "bidi \xE2\x80\xAE" "desrever end",   // U+202E RIGHT-TO-LEFT OVERRIDE
      "isolate \xE2\x81\xA6x\xE2\x81\xA9 end",  // U+2066 ... U+2069
      "c1 \xC2\x9B" "31m end",                // U+009B, the one-byte CSI
      "bad \xFF\xFE utf8 \xC0\xAF end",        // invalid bytes, an overlong '/'
      "cr \r overwrite end",                  // carriage return mid-line
      "tab \t\t\t\tpadded end",               // TAB, which could fake a wrapped line
      "marks \xE2\x80\x8E\xE2\x80\x8B\xEF\xBB\xBF end",  // LRM, zero-width space, BOM
      "last",
  };
  auto kofi = chat.start_prompt("terminal", "kofi");
  for (const auto& text : hostile) REQUIRE(kofi.write_stdin(text + "\n"));
  kofi.close_stdin();
  check_exits_0(kofi);
  require_stdout(display, "kofi: last\n");

  const auto output = display.stdout_text();
  INFO("display output:\n" << output);
  CHECK(output.find('\x1b') == std::string::npos);
  CHECK(output.find('\x07') == std::string::npos);
  CHECK(output.find('\r') == std::string::npos);
  CHECK(output.find("\xE2\x80\xAE") == std::string::npos);
  CHECK(output.find("\xE2\x81\xA6") == std::string::npos);
  CHECK(output.find("\xC2\x9B") == std::string::npos);
  CHECK(is_valid_utf8(output));
  // Shown, not dropped: the user can see something was there.
  CHECK(output.find("esc \\x1b[2J\\x1b]0;title\\x07 end") != std::string::npos);
  CHECK(output.find("bidi \\u202edesrever end") != std::string::npos);
  CHECK(output.find("isolate \\u2066x\\u2069 end") != std::string::npos);
  CHECK(output.find("c1 \\u009b31m end") != std::string::npos);
  CHECK(output.find("bad \\xff\\xfe utf8 \\xc0\\xaf end") != std::string::npos);
  CHECK(output.find("tab \\x09\\x09\\x09\\x09padded end") != std::string::npos);
  CHECK(output.find("marks \\u200e\\u200b\\ufeff end") != std::string::npos);
  CHECK(output.find('\t') == std::string::npos);
  CHECK(output.find("cr \\x0d overwrite end") != std::string::npos);
  // Each message is still one line of its own, all from kofi.
  std::size_t from_kofi = 0;
  for (const auto& line : complete_lines(output)) {
    CAPTURE(line);
    const auto parsed = parse_chat_line(line);
    REQUIRE(parsed.has_value());
    if (parsed->user == "kofi") ++from_kofi;
  }
  CHECK(from_kofi == hostile.size());
}

TEST_CASE("a line too long for the room to relay is reported and skipped and the rest goes on") {
  chat_fixture chat;
  const time_window window{.from = std::time(nullptr), .to = 0};
  auto room = chat.start_room("long");
  auto display = chat.start_display("long");
  chat.sync_displays("long", {&display});
  auto kofi = chat.start_prompt("long", "kofi");
  // Fits a frame with "kofi: " in front, but not with the room's timestamp as well.
  const std::string too_long(1024 * 1024 - 10, 'x');
  // And one far over any frame: measured as it passes, never held whole.
  const std::string huge(32 * 1024 * 1024, 'h');
  REQUIRE(kofi.write_stdin("before\n" + too_long + "\n" + huge + "\nafter\n"));
  kofi.close_stdin();
  const auto status = kofi.wait_exit(chat_timeout);
  INFO("prompt stderr:\n" << kofi.stderr_text());
  REQUIRE(status.has_value());
  CHECK(*status == exit_status::exited(1));  // something was not sent
  CHECK(kofi.stderr_text().find("line 2 not sent") != std::string::npos);
  CHECK(kofi.stderr_text().find("line 3 not sent: " + std::to_string(huge.size() + 6) + " bytes") !=
        std::string::npos);
  CHECK(kofi.stderr_text().find("2 lines were too long and not sent") != std::string::npos);
  require_stdout(display, "kofi: after\n");
  check_transcript(display.stdout_text(), {{"kofi", {"before", "after"}}},
                   {.from = window.from, .to = std::time(nullptr)});
  INFO("room log:\n" << room.stderr_text());
  CHECK(room.stderr_text().find("dropped") == std::string::npos);
}

TEST_CASE("a display says when its room is killed and carries on when the room is back") {
  chat_fixture chat;
  // In memory only, as the tutorial's room was (a room on its log is covered in
  // resilience_test.cpp and durable_room_test.cpp).
  const std::vector<std::string> ports{"lo:" + std::to_string(free_tcp_port()),
                                       "lo:" + std::to_string(free_tcp_port()), "--memory-only"};
  std::vector<child_process> displays;
  std::vector<child_process*> watching;
  {
    auto room = chat.start_room("fragile", ports);
    for (int i = 0; i < 2; ++i) displays.push_back(chat.start_display("fragile"));
    for (auto& display : displays) watching.push_back(&display);
    chat.sync_displays("fragile", watching);

    REQUIRE(room.send_signal(SIGKILL));
    CHECK(room.wait_exit(chat_timeout) == exit_status::killed_by(SIGKILL));
    // Told at once on stderr; whether messages were lost is only known once back.
    for (auto& display : displays) {
      INFO("display stderr:\n" << display.stderr_text());
      CHECK(display.wait_for_stderr("lost the connection to 'E_fragile'", chat_timeout));
      CHECK(still_running(display));
    }
  }
  // The tutorial's advice: with fixed ports, the displays reconnect to a restarted room.
  // It is a new room that cannot say what the old one sent meanwhile: one gap line each.
  auto room = chat.start_room("fragile", ports);
  for (auto& display : displays) {
    INFO("display stdout:\n" << display.stdout_text());
    REQUIRE(wait_for_line(display, problems_line));
  }
  chat.sync_displays("fragile", watching);
  auto kofi = chat.start_prompt("fragile", "kofi");
  REQUIRE(kofi.write_stdin("back again\n"));
  for (auto& display : displays) {
    require_stdout(display, "kofi: back again\n");
    CHECK(occurrences(display.stdout_text(), problems_line) == 1);
  }
}

TEST_CASE("a prompt and a display started before their room wait for it and then work") {
  chat_fixture chat;
  auto display = chat.start_display("later");
  auto kofi = chat.start_prompt("later", "kofi");
  const std::string notice = "waiting for the room 'later'";
  CHECK(display.wait_for_stderr(notice, chat_timeout));
  CHECK(kofi.wait_for_stderr(notice, chat_timeout));
  // Long enough that they look for the room several times.
  std::this_thread::sleep_for(1500ms);
  CHECK(still_running(display));
  CHECK(still_running(kofi));

  const time_window window{.from = std::time(nullptr), .to = 0};
  auto room = chat.start_room("later");
  chat.sync_displays("later", {&display});
  REQUIRE(kofi.write_stdin("finally\n"));
  kofi.close_stdin();
  check_exits_0(kofi);
  require_stdout(display, "kofi: finally\n");
  check_transcript(display.stdout_text(), {{"kofi", {"finally"}}}, {.from = window.from, .to = std::time(nullptr)});
  INFO("display stderr:\n" << display.stderr_text());
  INFO("prompt stderr:\n" << kofi.stderr_text());
  CHECK(occurrences(display.stderr_text(), "waiting for") == 1);
  CHECK(occurrences(kofi.stderr_text(), "waiting for") == 1);
}

TEST_CASE("a prompt and a display started before the directory wait for it too") {
  chat_fixture chat(chat_fixture::directory_mode::none);
  auto display = chat.start_display("later");
  auto kofi = chat.start_prompt("later", "kofi");
  const std::string notice = "waiting for the directory at " + chat.directory();
  CHECK(display.wait_for_stderr(notice, chat_timeout));
  CHECK(kofi.wait_for_stderr(notice, chat_timeout));

  // Then the directory server starts, then the room: the prompt that was started first
  // finds the room through it, and what it says reaches the display.
  child_process server({IMCHAT_BINARY, "server", "--listen", "127.0.0.1", std::to_string(chat.directory_port())});
  REQUIRE(imchat::test::wait_for_tcp_port(chat.directory_port(), chat_timeout));
  auto room = chat.start_room("later");
  chat.sync_displays("later", {&display});
  REQUIRE(kofi.write_stdin("worth the wait\n"));
  kofi.close_stdin();
  check_exits_0(kofi);
  require_stdout(display, "kofi: worth the wait\n");
  CHECK(still_running(server));
}

TEST_CASE("with --timeout and no room prompt and display give up with a clear message") {
  chat_fixture chat;
  for (const auto& program : {std::vector<std::string>{"display", "nowhere"},
                              std::vector<std::string>{"prompt", "nowhere", "kofi"}}) {
    CAPTURE(program.front());
    auto args = program;
    args.insert(args.end(), {"--timeout", "1"});
    const auto started = std::chrono::steady_clock::now();
    child_process child(chat.argv(args));
    const auto status = child.wait_exit(chat_timeout);
    INFO("stderr:\n" << child.stderr_text());
    REQUIRE(status.has_value());
    CHECK(status->exit_code() == 1);
    CHECK(std::chrono::steady_clock::now() - started >= 1s);
    CHECK(child.stderr_text().find("gave up waiting for the room 'nowhere'") != std::string::npos);
    CHECK(child.stdout_text().empty());
  }
}

TEST_CASE("with --timeout and no directory every chat program gives up naming the directory") {
  chat_fixture chat(chat_fixture::directory_mode::none);
  for (const auto& program : {std::vector<std::string>{"room", "nowhere"},
                              std::vector<std::string>{"display", "nowhere"},
                              std::vector<std::string>{"prompt", "nowhere", "kofi"}}) {
    CAPTURE(program.front());
    auto args = program;
    args.insert(args.end(), {"--timeout", "1"});
    child_process child(chat.argv(args));
    const auto status = child.wait_exit(chat_timeout);
    INFO("stderr:\n" << child.stderr_text());
    REQUIRE(status.has_value());
    CHECK(status->exit_code() == 1);
    CHECK(child.stderr_text().find("gave up waiting for the directory at " + chat.directory()) != std::string::npos);
  }
}

}  // TEST_SUITE
