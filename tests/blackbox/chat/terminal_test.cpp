// The chat programs on real terminals, as the tutorial's user runs them: an interactive
// prompt in one tmux session, a display in another, keys typed into the prompt and the
// display's screen read back.

#include "blackbox/chat/chat_fixture.hpp"
#include "blackbox/chat/chat_lines.hpp"
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

namespace {

// A tmux server of the test's own, on a socket no one else uses (like -L NAME, but in a
// temporary directory of its own, which also holds the programs' exit statuses and is
// removed at the end), without any user's configuration; killed when the test ends,
// however it ends.
class tmux_server {
 public:
  tmux_server() {
    static std::atomic<int> servers{0};
    directory_ = std::filesystem::temp_directory_path() /
                 ("imchat-e2e-tmux-" + std::to_string(::getpid()) + "-" + std::to_string(++servers));
    std::filesystem::create_directories(directory_);
  }
  ~tmux_server() {
    try {
      run({"kill-server"});
    } catch (...) {  // nothing more to do; never throw from here
    }
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }
  tmux_server(const tmux_server&) = delete;
  tmux_server& operator=(const tmux_server&) = delete;

  program_result run(std::vector<std::string> args) {
    args.insert(args.begin(), {"tmux", "-f", "/dev/null", "-S", (directory_ / "socket").string()});
    return imchat::test::run_program(std::move(args), {}, chat_timeout);
  }
  void require(std::vector<std::string> args) {
    const auto result = run(std::move(args));
    INFO(result);
    REQUIRE(result.status == exit_status::exited(0));
  }

  // A detached session of 200x50 running `argv` in the foreground of its terminal. The
  // shell around it keeps the exit status for wait_for_exit() (tmux's own #{pane_dead_status}
  // can lag for seconds); its INT trap lets the program take Ctrl-C alone.
  void new_session(const std::string& session, const std::vector<std::string>& argv) {
    std::string command = "trap : INT;";
    for (const auto& word : argv) command += " " + shell_quote(word);
    command += "; echo $? >" + shell_quote(status_file(session).string());
    require({"new-session", "-d", "-s", session, "-x", "200", "-y", "50", command});
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
    return imchat::test::eventually([&] { return screen(session).find(needle) != std::string::npos; }, timeout);
  }
  // The exit status of the session's program as the shell saw it ("0"; 128+N for a
  // signal N), or empty if it has not ended within the timeout.
  std::string wait_for_exit(const std::string& session, std::chrono::milliseconds timeout = chat_timeout) {
    const imchat::test::deadline until(timeout);
    for (;;) {
      std::ifstream file(status_file(session));
      std::string status;
      if (std::getline(file, status) && !file.eof()) return status;  // a whole line
      if (until.expired()) return {};
      std::this_thread::sleep_for(50ms);
    }
  }

 private:
  std::filesystem::path status_file(const std::string& session) const { return directory_ / (session + ".status"); }

  std::filesystem::path directory_;
};

}  // namespace

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
