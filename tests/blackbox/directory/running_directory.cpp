#include "blackbox/directory/running_directory.hpp"

#include "support/eventually.hpp"
#include "support/tcp_ports.hpp"
#include "support/imchat_binary.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

namespace imchat::test {
namespace {

using namespace std::chrono_literals;

std::filesystem::path fresh_log_path() {
  static std::atomic<int> count{0};
  return std::filesystem::temp_directory_path() /
         ("imchat-directory-test-" + std::to_string(::getpid()) + "-" + std::to_string(++count) + ".log");
}

// The server, through a shell that sends its stderr to the log file (replacing what an
// earlier attempt wrote) and sets the descriptor limit, then becomes the server (exec), so
// that signals sent to the child reach it.
child_process start_server(std::uint16_t port, const directory_setup& setup, const std::filesystem::path& log) {
  std::string script;
  if (setup.open_file_limit != 0) script += "ulimit -n " + std::to_string(setup.open_file_limit) + " && ";
  script += "exec \"$0\" \"$@\" 2>\"$IMCHAT_TEST_LOG\"";
  std::vector<std::string> argv{"/bin/sh", "-c", script, IMCHAT_BINARY, "server", std::to_string(port),
                                "--listen", "127.0.0.1", "--log-level", setup.log_level};
  if (!setup.peer_timeout.empty()) argv.insert(argv.end(), {"--peer-timeout", setup.peer_timeout});
  argv.insert(argv.end(), setup.extra_args.begin(), setup.extra_args.end());
  return child_process(std::move(argv), {{"IMCHAT_TEST_LOG", log.string()}});
}

}  // namespace

running_directory::running_directory(directory_setup setup)
    : log_path_(fresh_log_path()),
      process_([&] {
        // Someone else may take a free port before the server does, and a restarted
        // server's port may still be busy for a moment: a server that cannot listen is
        // tried again, on a new free port unless the port was given.
        const deadline until(default_timeout);
        std::string failures;
        for (;;) {
          port_ = setup.port != 0 ? setup.port : free_tcp_port();
          auto server = start_server(port_, setup, log_path_);
          const auto listening = "directory listening on 127.0.0.1:" + std::to_string(port_);
          if (eventually([&] {
                return log().find(listening) != std::string::npos || server.wait_exit(0ms).has_value();
              }) &&
              log().find(listening) != std::string::npos)
            return server;
          failures += "port " + std::to_string(port_) + ":\n" + log();
          if (log().find("cannot listen") == std::string::npos || until.expired()) {
            INFO("imchat server did not start:\n" << failures);
            FAIL("imchat server did not start");
          }
          std::this_thread::sleep_for(50ms);
        }
      }()) {}

running_directory::~running_directory() {
  process_.send_signal(SIGKILL);
  process_.wait_exit();
  std::error_code ignored;
  std::filesystem::remove(log_path_, ignored);
}

std::string running_directory::address() const { return "127.0.0.1:" + std::to_string(port_); }

bool running_directory::running() { return !process_.wait_exit(0ms).has_value(); }

std::string running_directory::log() const {
  std::ifstream file(log_path_, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

bool running_directory::wait_for_log(std::string_view text, std::chrono::milliseconds timeout) {
  const auto logged = [&] { return log().find(text) != std::string::npos; };
  return eventually([&] { return logged() || !running(); }, timeout) && logged();
}

}  // namespace imchat::test
