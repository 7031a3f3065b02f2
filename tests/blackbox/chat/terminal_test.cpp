// The chat programs on real terminals, as the tutorial's user runs them: an interactive
// prompt in one tmux session, a display in another, keys typed into the prompt and the
// display's screen read back.

#include "blackbox/chat/chat_fixture.hpp"
#include "blackbox/chat/chat_lines.hpp"
#include "support/run_program.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <thread>

using namespace std::chrono_literals;
using imchat::test::exit_status;
using imchat::test::program_result;
using namespace imchat::test::chat;

namespace {

// A tmux server of the test's own, on a socket no one else uses (a path of its own, like
// -L NAME but in the temporary directory, so that it can be removed too), without any
// user's configuration; killed when the test ends, however it ends.
class tmux_server {
 public:
  tmux_server() {
    static std::atomic<int> servers{0};
    socket_ = std::filesystem::temp_directory_path() /
              ("imchat-e2e-tmux-" + std::to_string(::getpid()) + "-" + std::to_string(++servers));
  }
  ~tmux_server() {
    try {
      run({"kill-server"});
    } catch (...) {  // nothing more to do; never throw from here
    }
    std::error_code ignored;
    std::filesystem::remove(socket_, ignored);
  }
  tmux_server(const tmux_server&) = delete;
  tmux_server& operator=(const tmux_server&) = delete;

  program_result run(std::vector<std::string> args) {
    args.insert(args.begin(), {"tmux", "-f", "/dev/null", "-S", socket_.string()});
    return imchat::test::run_program(std::move(args), {}, chat_timeout);
  }
  void require(std::vector<std::string> args) {
    const auto result = run(std::move(args));
    INFO(result);
    REQUIRE(result.status == exit_status::exited(0));
  }

  // A detached session of 200x50 running `command` (through /bin/sh).
  void new_session(const std::string& name, const std::string& command, std::vector<std::string> then = {}) {
    std::vector<std::string> args{"new-session", "-d", "-s", name, "-x", "200", "-y", "50", command};
    if (!then.empty()) args.push_back(";");
    args.insert(args.end(), then.begin(), then.end());
    require(args);
  }
  // Types `text` literally, then Enter.
  void type_line(const std::string& session, const std::string& text) {
    require({"send-keys", "-t", session, "-l", text});
    require({"send-keys", "-t", session, "Enter"});
  }
  void press(const std::string& session, const std::string& key) { require({"send-keys", "-t", session, key}); }
  // What the session's screen shows now.
  std::string screen(const std::string& session) { return run({"capture-pane", "-p", "-t", session}).stdout_text; }
  bool wait_for_screen(const std::string& session, std::string_view needle,
                       std::chrono::milliseconds timeout = chat_timeout) {
    const imchat::test::deadline until(timeout);
    while (screen(session).find(needle) == std::string::npos) {
      if (until.expired()) return false;
      std::this_thread::sleep_for(50ms);
    }
    return true;
  }
  // "1 0" once the session's program exited with 0 (with remain-on-exit on), "0 " while it runs.
  std::string pane_state(const std::string& session) {
    return run({"display-message", "-p", "-t", session, "#{pane_dead} #{pane_dead_status}"}).stdout_text;
  }
  bool wait_for_exit(const std::string& session, std::chrono::milliseconds timeout = chat_timeout) {
    const imchat::test::deadline until(timeout);
    while (!pane_state(session).starts_with("1 ")) {
      if (until.expired()) return false;
      std::this_thread::sleep_for(50ms);
    }
    return true;
  }

 private:
  std::filesystem::path socket_;
};

}  // namespace

TEST_SUITE("chat: terminal") {

TEST_CASE("lines typed at an interactive prompt in tmux appear on a display in tmux") {
  chat_fixture chat;
  const std::string room = "international affairs";
  auto room_process = chat.start_room(room);
  const auto command = [&](std::vector<std::string> args) {
    std::string line = "exec";
    for (const auto& word : chat.argv(std::move(args))) line += " " + shell_quote(word);
    return line;
  };

  tmux_server tmux;
  // remain-on-exit: when a program ends, its pane stays to tell its exit status.
  tmux.new_session("chat-display", command({"display", room}), {"set-option", "-wg", "remain-on-exit", "on"});
  tmux.new_session("chat-prompt", command({"prompt", room, "kofi"}));

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
  CHECK(tmux.wait_for_exit("chat-prompt"));
  CHECK(tmux.pane_state("chat-prompt") == "1 0\n");
  tmux.press("chat-display", "C-c");
  CHECK(tmux.wait_for_exit("chat-display"));
  CHECK(tmux.pane_state("chat-display") == "1 0\n");
}

}  // TEST_SUITE
