#pragma once
// A tmux server of the test's own, for the chat programs on real terminals: on a socket
// no one else uses (like -L NAME, but in a temporary directory of its own, which also
// holds the programs' exit statuses and is removed at the end), without any user's
// configuration; killed when the test ends, however it ends. Screens are read back with
// capture-pane, keys typed with send-keys.
//
//   tmux_server tmux;
//   tmux.new_session("chat", chat.argv({"chat", "cheese", "kofi"}), 80, 24);
//   tmux.type_line("chat", "hello");
//   CHECK(tmux.wait_for_screen("chat", "kofi: hello"));

#include "support/run_program.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::test::chat {

class tmux_server {
 public:
  tmux_server();
  ~tmux_server();
  tmux_server(const tmux_server&) = delete;
  tmux_server& operator=(const tmux_server&) = delete;

  // `tmux args...` against this server.
  program_result run(std::vector<std::string> args);
  // The same, REQUIREd to succeed.
  void require(std::vector<std::string> args);

  // A detached session named `session`, `width` x `height`, running `argv` in the
  // foreground of its terminal, with LANG=C.UTF-8. The shell around it keeps the exit
  // status for wait_for_exit() (tmux's own #{pane_dead_status} can lag for seconds); its
  // INT trap lets the program take Ctrl-C alone. The program's standard error goes to a
  // file (stderr_text()), so that what it says after it gave the terminal back is kept.
  // The session's name is its pane's target.
  void new_session(const std::string& session, const std::vector<std::string>& argv, int width = 200,
                   int height = 50);
  // A second pane beside the session's first (splitting it left and right), running
  // `argv` the same way; the session's name still targets the first. Returns the new pane's target; its exit status is kept as `name`'s.
  std::string split_window(const std::string& session, const std::string& name, const std::vector<std::string>& argv);
  // Makes the session's window `width` x `height`.
  void resize(const std::string& session, int width, int height);

  // Types `text` literally (into `target`: a session or a pane), then Enter.
  void type_line(const std::string& target, const std::string& text);
  // Types `text` literally, without Enter.
  void type(const std::string& target, const std::string& text);
  // Presses keys by tmux's names: "Enter", "C-d", "Left", "PageUp"...
  void press_keys(const std::string& target, const std::vector<std::string>& keys);
  void press(const std::string& target, const std::string& key) { press_keys(target, {key}); }
  // Pastes `text` as a terminal paste does (its newlines as carriage returns).
  void paste(const std::string& target, const std::string& text);

  // What the pane shows now, one line per row (trailing blanks dropped by tmux); with
  // `attributes`, with the escape sequences of its colours and attributes (-e).
  std::string screen(const std::string& target, bool attributes = false);
  bool wait_for_screen(const std::string& target, std::string_view needle,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // The exit status of the program run as `name` as the shell saw it ("0"; 128+N for a
  // signal N), or empty if it has not ended within the timeout.
  std::string wait_for_exit(const std::string& name, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // What the program run as `name` wrote to its standard error so far.
  std::string stderr_text(const std::string& name) const;

 private:
  std::string shell_command(const std::string& name, const std::vector<std::string>& argv) const;
  std::filesystem::path status_file(const std::string& name) const { return directory_ / (name + ".status"); }

  std::filesystem::path directory_;
};

// The rows of a capture-pane screen.
std::vector<std::string> screen_rows(const std::string& screen);

}  // namespace imchat::test::chat
