#include "blackbox/directory/running_directory.hpp"

#include "support/tcp_ports.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <thread>

namespace imchat::test {
namespace {

using namespace std::chrono_literals;

child_process start_server(std::uint16_t port, const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv{IMCHAT_BINARY, "server", std::to_string(port), "--listen", "127.0.0.1"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  return child_process(std::move(argv));
}

std::string listening_line(std::uint16_t port) {
  return "directory listening on 127.0.0.1:" + std::to_string(port);
}

// Starts the server on the port `next_port` gives and waits until it listens. Someone else
// may hold the port (a free port is only free when asked for, and a restarted server's
// port may still be in use for a moment), so a server that cannot listen is tried again.
template <typename NextPort>
std::pair<std::uint16_t, child_process> start_listening(NextPort next_port,
                                                        const std::vector<std::string>& extra_args) {
  const deadline until(default_timeout);
  std::string failures;
  for (;;) {
    const std::uint16_t port = next_port();
    auto server = start_server(port, extra_args);
    if (server.wait_for_stderr(listening_line(port))) return {port, std::move(server)};
    failures += "port " + std::to_string(port) + ":\n" + server.stderr_text();
    const bool could_not_listen = server.stderr_text().find("cannot listen") != std::string::npos;
    if (!could_not_listen || until.expired()) {
      INFO("imchat server did not start:\n" << failures);
      FAIL("imchat server did not start");
    }
    std::this_thread::sleep_for(50ms);
  }
}

}  // namespace

running_directory::running_directory(std::vector<std::string> extra_args)
    : running_directory(0, std::move(extra_args)) {}

running_directory::running_directory(std::uint16_t port, std::vector<std::string> extra_args)
    : port_(0), process_([&] {
        auto [bound, server] = start_listening([port] { return port != 0 ? port : free_tcp_port(); },
                                               extra_args);
        port_ = bound;
        return std::move(server);
      }()) {}

std::string running_directory::address() const { return "127.0.0.1:" + std::to_string(port_); }

bool running_directory::running() { return !process_.wait_exit(0ms).has_value(); }

std::string running_directory::log() { return process_.stderr_text(); }

bool running_directory::wait_for_log(std::string_view text, std::chrono::milliseconds timeout) {
  return process_.wait_for_stderr(text, timeout);
}

}  // namespace imchat::test
