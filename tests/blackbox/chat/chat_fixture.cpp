#include "blackbox/chat/chat_fixture.hpp"

#include "support/tcp_ports.hpp"
#include "support/imchat_binary.hpp"

#include <doctest/doctest.h>

#include <atomic>

namespace imchat::test::chat {

using namespace std::chrono_literals;

chat_fixture::chat_fixture(directory_mode mode) {
  if (mode == directory_mode::none) {
    port_ = free_tcp_port();
    return;
  }
  // Another process may take the free port before the server does: then try another.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_tcp_port();
    child_process server({IMCHAT_BINARY, "server", "--listen", "127.0.0.1", std::to_string(port_)});
    if (server.wait_for_stderr("directory listening on 127.0.0.1:" + std::to_string(port_), chat_timeout)) {
      server_.emplace(std::move(server));
      return;
    }
    INFO("server stderr:\n" << server.stderr_text());
    REQUIRE(server.wait_exit(chat_timeout).has_value());  // it gave up, rather than hanging
  }
  FAIL("could not start the directory server on a free port");
}

chat_fixture::chat_fixture(std::string address, std::vector<std::string> extra)
    : address_(std::move(address)), extra_(std::move(extra)) {}

std::string chat_fixture::directory() const {
  return address_.empty() ? "127.0.0.1:" + std::to_string(port_) : address_;
}

std::vector<std::string> chat_fixture::argv(std::vector<std::string> args) const {
  args.insert(args.begin(), IMCHAT_BINARY);
  args.push_back("--directory");
  args.push_back(directory());
  args.insert(args.end(), extra_.begin(), extra_.end());
  return args;
}

child_process chat_fixture::start_room(const std::string& name, std::vector<std::string> extra) const {
  extra.insert(extra.begin(), {"room", name});
  child_process room(argv(std::move(extra)));
  const bool open = room.wait_for_stderr("room '" + name + "' is open", chat_timeout);
  INFO("room stderr:\n" << room.stderr_text());
  REQUIRE(open);
  return room;
}

child_process chat_fixture::start_display(const std::string& room, std::vector<std::string> extra) const {
  extra.insert(extra.begin(), {"display", room});
  return child_process(argv(std::move(extra)));
}

child_process chat_fixture::start_prompt(const std::string& room, const std::string& user,
                                         std::vector<std::string> extra) const {
  extra.insert(extra.begin(), {"prompt", room, user});
  return child_process(argv(std::move(extra)));
}

void chat_fixture::sync_displays(const std::string& room, const std::vector<child_process*>& displays) const {
  std::vector<output_check> outputs;
  for (auto* display : displays)
    outputs.push_back([display](std::string_view text) { return display->wait_for_stdout(text, 100ms); });
  const auto stderrs = [&] {
    std::string text;
    for (auto* display : displays) text += "a display's stderr:\n" + display->stderr_text();
    return text;
  };
  INFO(stderrs());  // doctest evaluates it only if the sync fails
  sync_outputs(room, outputs);
}

void chat_fixture::sync_outputs(const std::string& room, const std::vector<output_check>& outputs) const {
  static std::atomic<int> syncs{0};
  const std::string tag = "sync " + std::to_string(++syncs) + " ";
  auto probe = start_prompt(room, "probe");
  const deadline until(chat_timeout);
  std::vector<bool> seen(outputs.size(), false);
  for (int n = 1;; ++n) {
    REQUIRE(probe.write_stdin(tag + std::to_string(n) + "\n"));
    bool all = true;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      if (!seen[i]) seen[i] = outputs[i]("probe: " + tag);
      all = all && seen[i];
    }
    if (all) break;
    if (until.expired()) {
      INFO("probe stderr:\n" << probe.stderr_text());
      FAIL("the displays did not all see the probe's lines in time");
    }
  }
  probe.close_stdin();
  const auto status = probe.wait_exit(chat_timeout);
  INFO("probe stderr:\n" << probe.stderr_text());
  REQUIRE(status == exit_status::exited(0));
}

std::size_t occurrences(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

namespace {
// Waits until `child` has written `needle` `count` times in all to stdout or stderr.
bool wait_for_count(child_process& child, std::string_view needle, std::size_t count,
                    std::chrono::milliseconds timeout, bool on_stdout) {
  const auto text = [&] { return on_stdout ? child.stdout_text() : child.stderr_text(); };
  const deadline until(timeout);
  while (occurrences(text(), needle) < count) {
    if (until.expired() || !still_running(child)) return occurrences(text(), needle) >= count;
    // Reads the child's output meanwhile; the needle never contains this.
    if (on_stdout) child.wait_for_stdout("\x01\x02 never written", 50ms);
    else child.wait_for_stderr("\x01\x02 never written", 50ms);
  }
  return true;
}
}  // namespace

bool wait_for_stderr_count(child_process& child, std::string_view needle, std::size_t count,
                           std::chrono::milliseconds timeout) {
  return wait_for_count(child, needle, count, timeout, false);
}

bool wait_for_stdout_count(child_process& child, std::string_view needle, std::size_t count,
                           std::chrono::milliseconds timeout) {
  return wait_for_count(child, needle, count, timeout, true);
}

void require_stdout(child_process& child, std::string_view needle) {
  const bool written = child.wait_for_stdout(needle, chat_timeout);
  INFO("waiting for: " << std::string(needle));
  INFO("stdout:\n" << child.stdout_text());
  INFO("stderr:\n" << child.stderr_text());
  REQUIRE(written);
}

void check_exits_0(child_process& child, std::chrono::milliseconds timeout) {
  const auto status = child.wait_exit(timeout);
  INFO("stderr:\n" << child.stderr_text());
  REQUIRE(status.has_value());  // a program that does not end fails the test at once
  CHECK(*status == exit_status::exited(0));
}

bool still_running(child_process& child) { return !child.wait_exit(0ms).has_value(); }

child_process start_redirected(const chat_fixture& chat, const std::string& command, const char* redirection,
                               const std::filesystem::path& file) {
  return child_process({"/bin/sh", "-c",
                        "exec " + shell_quote(IMCHAT_BINARY) + " " + command + " --directory " + chat.directory() +
                            " " + redirection + " " + shell_quote(file.string())});
}

std::string shell_quote(const std::string& word) {
  std::string quoted = "'";
  for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace imchat::test::chat
