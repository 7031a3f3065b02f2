#include "blackbox/chat/tmux_server.hpp"

#include "blackbox/chat/chat_fixture.hpp"
#include "support/deadline.hpp"
#include "support/eventually.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

namespace imchat::test::chat {

using namespace std::chrono_literals;

tmux_server::tmux_server() {
  static std::atomic<int> servers{0};
  directory_ = std::filesystem::temp_directory_path() /
               ("imchat-e2e-tmux-" + std::to_string(::getpid()) + "-" + std::to_string(++servers));
  std::filesystem::create_directories(directory_);
}

tmux_server::~tmux_server() {
  try {
    run({"kill-server"});
  } catch (...) {  // nothing more to do; never throw from here
  }
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

program_result tmux_server::run(std::vector<std::string> args) {
  args.insert(args.begin(), {"tmux", "-f", "/dev/null", "-S", (directory_ / "socket").string()});
  return run_program(std::move(args), {}, chat_timeout);
}

void tmux_server::require(std::vector<std::string> args) {
  const auto result = run(std::move(args));
  INFO(result);
  REQUIRE(result.status == exit_status::exited(0));
}

std::string tmux_server::shell_command(const std::string& name, const std::vector<std::string>& argv) const {
  std::string command = "trap : INT; LANG=C.UTF-8; export LANG;";
  for (const auto& word : argv) command += " " + shell_quote(word);
  command += " 2>" + shell_quote((directory_ / (name + ".stderr")).string());
  command += "; echo $? >" + shell_quote(status_file(name).string());
  return command;
}

void tmux_server::new_session(const std::string& session, const std::vector<std::string>& argv, int width,
                              int height) {
  require({"new-session", "-d", "-s", session, "-x", std::to_string(width), "-y", std::to_string(height),
           shell_command(session, argv)});
}

std::string tmux_server::split_window(const std::string& session, const std::string& name,
                                      const std::vector<std::string>& argv) {
  const auto result = run({"split-window", "-h", "-d", "-t", session, "-P", "-F", "#{pane_id}", shell_command(name, argv)});
  INFO(result);
  REQUIRE(result.status == exit_status::exited(0));
  auto target = result.stdout_text;
  while (!target.empty() && (target.back() == '\n' || target.back() == ' ')) target.pop_back();
  return target;
}

void tmux_server::resize(const std::string& session, int width, int height) {
  require({"resize-window", "-t", session, "-x", std::to_string(width), "-y", std::to_string(height)});
}

void tmux_server::type(const std::string& target, const std::string& text) {
  require({"send-keys", "-t", target, "-l", text});
}

void tmux_server::type_line(const std::string& target, const std::string& text) {
  type(target, text);
  press(target, "Enter");
}

void tmux_server::press_keys(const std::string& target, const std::vector<std::string>& keys) {
  std::vector<std::string> args{"send-keys", "-t", target};
  args.insert(args.end(), keys.begin(), keys.end());
  require(std::move(args));
}

void tmux_server::paste(const std::string& target, const std::string& text) {
  require({"set-buffer", "-b", "test-paste", text});
  require({"paste-buffer", "-d", "-b", "test-paste", "-t", target});
}

std::string tmux_server::screen(const std::string& target, bool attributes) {
  std::vector<std::string> args{"capture-pane", "-p", "-t", target};
  if (attributes) args.push_back("-e");
  return run(std::move(args)).stdout_text;
}

bool tmux_server::wait_for_screen(const std::string& target, std::string_view needle,
                                  std::chrono::milliseconds timeout) {
  return eventually([&] { return screen(target).find(needle) != std::string::npos; }, timeout);
}

std::string tmux_server::wait_for_exit(const std::string& name, std::chrono::milliseconds timeout) {
  const deadline until(timeout);
  for (;;) {
    std::ifstream file(status_file(name));
    std::string status;
    if (std::getline(file, status) && !file.eof()) return status;  // a whole line
    if (until.expired()) return {};
    std::this_thread::sleep_for(50ms);
  }
}

std::string tmux_server::stderr_text(const std::string& name) const {
  std::ifstream file(directory_ / (name + ".stderr"));
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<std::string> screen_rows(const std::string& screen) {
  std::vector<std::string> rows;
  std::istringstream in(screen);
  for (std::string row; std::getline(in, row);) rows.push_back(row);
  return rows;
}

}  // namespace imchat::test::chat
