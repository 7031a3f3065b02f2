#pragma once
// A program under test running as a child process, its stdin, stdout and stderr on pipes.
//
//   child_process server({IMCHAT_BINARY, "server", std::to_string(port)});
//   REQUIRE(server.wait_for_stderr("listening"));
//   server.send_signal(SIGTERM);
//   CHECK(server.wait_exit() == exit_status::exited(0));
//
// Both output pipes are read with poll() into buffers whatever the test is waiting for,
// so a child never blocks on a full pipe the test is not looking at. Failing to start
// (no such program) throws std::system_error; a wait that times out returns an empty
// result, so the test decides how to fail. The child gets none of the test process's
// other pipes and sockets, and is SIGKILLed if the thread that started it dies.
// Not thread-safe: use one child_process from one thread.

#include "support/deadline.hpp"
#include "support/exit_status.hpp"

#include <sys/types.h>

#include <chrono>
#include <csignal>  // SIGTERM and friends, for send_signal()
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::test {

class child_process {
 public:
  // Variables added to (or replacing in) the environment the child inherits.
  using environment = std::map<std::string, std::string>;

  // Starts argv[0] (searched in PATH when it has no '/') with arguments argv[1...].
  explicit child_process(std::vector<std::string> argv, environment extra_env = {});
  // SIGKILLs and reaps the child if it is still running.
  ~child_process();
  child_process(child_process&&) noexcept;
  child_process& operator=(child_process&&) noexcept;

  pid_t pid() const;

  // Writes all of `bytes` to the child's stdin. False when the child closed its stdin
  // (or exited), close_stdin() was called, or the timeout passed first.
  bool write_stdin(std::string_view bytes, std::chrono::milliseconds timeout = default_timeout);
  // Closes the child's stdin: it reads end-of-file.
  void close_stdin();

  // The next line the child writes, without its '\n'. At end of file, an unterminated
  // last line is returned as is; then std::nullopt, as on timeout.
  std::optional<std::string> read_stdout_line(std::chrono::milliseconds timeout = default_timeout);
  std::optional<std::string> read_stderr_line(std::chrono::milliseconds timeout = default_timeout);

  // True once everything the child has written to the stream contains `needle`; false
  // when the stream ends or the timeout passes first. Ignores what read_*_line consumed.
  bool wait_for_stdout(std::string_view needle, std::chrono::milliseconds timeout = default_timeout);
  bool wait_for_stderr(std::string_view needle, std::chrono::milliseconds timeout = default_timeout);

  // Everything the child has written to the stream so far (without waiting), for checks
  // and failure messages: `INFO("stderr:\n" << child.stderr_text());`.
  std::string stdout_text();
  std::string stderr_text();

  // Sends a signal (SIGTERM, SIGINT...). False when the child has already been reaped.
  bool send_signal(int signal_number);

  // Waits for the child to end, reading its output meanwhile; std::nullopt on timeout.
  // Once the child has ended, returns the same status every time.
  std::optional<exit_status> wait_exit(std::chrono::milliseconds timeout = default_timeout);

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace imchat::test
