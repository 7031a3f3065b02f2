#pragma once
// The real `imchat server` in a child process, listening on 127.0.0.1 on a port of its
// own, for the directory's black-box tests:
//
//   running_directory server;                       // started and listening
//   imchat::locator locator(server.address());
//   ...
//   CHECK(server.running());
//   CHECK(server.wait_for_log("freed 'Q_cheese'"));

#include "support/child_process.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::test {

class running_directory {
 public:
  // `imchat server PORT --listen 127.0.0.1 EXTRA_ARGS...` on a free port; returns once it
  // listens. Fails the test (REQUIRE) if it cannot be started.
  explicit running_directory(std::vector<std::string> extra_args = {});
  // The same on a given port, e.g. to restart a directory where its clients expect it.
  running_directory(std::uint16_t port, std::vector<std::string> extra_args);

  std::uint16_t port() const { return port_; }
  // "127.0.0.1:PORT", as a locator or --directory takes it.
  std::string address() const;

  // Whether the server process is still running (it never exits on its own).
  bool running();
  // Everything the server has logged so far, for checks and failure messages.
  std::string log();
  bool wait_for_log(std::string_view text, std::chrono::milliseconds timeout = default_timeout);

  child_process& process() { return process_; }

 private:
  std::uint16_t port_;
  child_process process_;
};

}  // namespace imchat::test
