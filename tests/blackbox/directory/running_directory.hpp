#pragma once
// The real `imchat server` in a child process, listening on 127.0.0.1 on a port of its
// own, for the directory's black-box tests:
//
//   running_directory server;                       // started and listening
//   running_directory slow({.extra_args = {"--handshake-timeout", "0.5"}});
//   running_directory strict({.peer_timeout = "2"});
//   imchat::directory::locator locator(server.address());
//   ...
//   CHECK(server.running());
//   CHECK(server.wait_for_log("freed 'Q_cheese'"));
//
// The server logs to a file, not to a pipe: a test busy with its sockets does not read a
// pipe, and a server that logs a line per request would fill it and block on the write,
// stalling the very requests the test waits for.

#include "support/child_process.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::test {

// How to start it. Every member has a default, so `{.extra_args = {...}}` reads well.
struct directory_setup {
  std::uint16_t port = 0;  // 0: a free port; else this one, e.g. to restart a directory
  std::vector<std::string> extra_args{};
  unsigned open_file_limit = 0;  // if not 0, the server runs under `ulimit -n` this
  // --peer-timeout, in seconds ("" for the server's default). The raw wire clients of
  // these tests send no heartbeats: a slow (sanitizer) run must not see them closed as
  // dead in the middle of a test of something else.
  std::string peer_timeout = "60";
  // --log-level: debug by default, since tests look for the per-name lines the server
  // logs at debug only.
  std::string log_level = "debug";
};

class running_directory {
 public:
  // `imchat server PORT --listen 127.0.0.1 EXTRA_ARGS...`; returns once it listens. Fails
  // the test if it cannot be started.
  explicit running_directory(directory_setup setup = {});
  // Kills the server if it still runs, and removes its log.
  ~running_directory();
  running_directory(const running_directory&) = delete;
  running_directory& operator=(const running_directory&) = delete;

  std::uint16_t port() const { return port_; }
  // "127.0.0.1:PORT", as a locator or --directory takes it.
  std::string address() const;

  // Whether the server process is still running (it never exits on its own).
  bool running();
  // Everything the server has logged so far, for checks and failure messages.
  std::string log() const;
  // True once the log contains `text`; false if the timeout passes (or the server ends)
  // first.
  bool wait_for_log(std::string_view text, std::chrono::milliseconds timeout = default_timeout);

  child_process& process() { return process_; }

 private:
  std::filesystem::path log_path_;
  std::uint16_t port_ = 0;
  child_process process_;
};

}  // namespace imchat::test
