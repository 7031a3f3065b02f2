#include "support/child_process.hpp"

#include "support/unique_fd.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace imchat::test {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Keeps a pipe end above 0, 1 and 2, so putting the child's ends in place with dup2()
// never overwrites another one, even in a test process started with stdin closed.
unique_fd above_standard_streams(unique_fd fd) {
  if (fd.get() > STDERR_FILENO) return fd;
  const int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (moved < 0) throw_errno("fcntl(F_DUPFD_CLOEXEC)");
  return unique_fd(moved);
}

struct pipe_ends {
  unique_fd read_end;
  unique_fd write_end;
};

// Close-on-exec, so every child inherits only the three ends it gets as 0, 1 and 2, and
// not the pipes of the test's other children (which would then never see end of file).
pipe_ends make_pipe() {
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) throw_errno("pipe2");
  unique_fd read_end(fds[0]);
  unique_fd write_end(fds[1]);
  return {above_standard_streams(std::move(read_end)), above_standard_streams(std::move(write_end))};
}

void set_nonblocking(const unique_fd& fd) {
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK) != 0) throw_errno("fcntl(O_NONBLOCK)");
}

// A child that exits while the test writes to its stdin must give the write EPIPE, not
// kill the whole test run with SIGPIPE.
void ignore_sigpipe_in_test_process() {
  static const bool ignored = [] { return std::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
  if (!ignored) throw_errno("signal(SIGPIPE)");
}

std::vector<std::string> child_environment(const child_process::environment& extra_env) {
  std::vector<std::string> result;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    if (!extra_env.contains(std::string(variable.substr(0, variable.find('=')))))
      result.emplace_back(variable);
  }
  for (const auto& [name, value] : extra_env) result.push_back(name + "=" + value);
  return result;
}

// The char* array execvpe() wants; points into `strings`, which must outlive it.
std::vector<char*> null_terminated(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

// Everything the forked child needs, prepared before fork(): after it, the child of a
// possibly multi-threaded process may only make async-signal-safe calls.
struct child_setup {
  char** argv;
  char** envp;
  int stdin_fd;
  int stdout_fd;
  int stderr_fd;
  int exec_error_fd;  // the child writes errno here when it cannot exec
  pid_t test_process;
};

// In the child: tells the test process why it could not start, and exits.
[[noreturn]] void report_errno_and_exit(const child_setup& setup) {
  const int error = errno;
  (void)!::write(setup.exec_error_fd, &error, sizeof error);
  ::_exit(127);
}

[[noreturn]] void become_child(const child_setup& setup) {
  // Die with the test: a crashed or killed test run must not leave servers holding ports.
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) report_errno_and_exit(setup);
  if (::getppid() != setup.test_process) ::_exit(127);  // it died before prctl() took effect
  // Ignored signals and the signal mask survive exec. Start from the defaults whatever the
  // test runner was given (a shell running it in the background ignores SIGINT, say).
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int signal_number = 1; signal_number < NSIG; ++signal_number)
    ::sigaction(signal_number, &default_action, nullptr);  // fails harmlessly for SIGKILL...
  sigset_t no_signals;
  ::sigemptyset(&no_signals);
  ::sigprocmask(SIG_SETMASK, &no_signals, nullptr);
  if (::dup2(setup.stdin_fd, STDIN_FILENO) < 0 || ::dup2(setup.stdout_fd, STDOUT_FILENO) < 0 ||
      ::dup2(setup.stderr_fd, STDERR_FILENO) < 0)
    report_errno_and_exit(setup);
  // Descriptors the test process itself inherited without close-on-exec (from ctest, a
  // shell, an IDE) are not the child's business: close them at exec too.
  ::close_range(STDERR_FILENO + 1, ~0U, CLOSE_RANGE_CLOEXEC);
  ::execvpe(setup.argv[0], setup.argv, setup.envp);
  report_errno_and_exit(setup);
}

// One output pipe of the child and everything read from it.
struct captured_stream {
  unique_fd pipe;             // our read end; reset at end of file
  std::string text;           // everything read so far
  std::size_t next_line = 0;  // where the next read_*_line() starts in `text`

  bool ended() const { return !pipe; }
  bool has_line() const { return text.find('\n', next_line) != std::string::npos; }

  // The next complete line; at end of file the unterminated rest, if any.
  std::optional<std::string> take_line() {
    std::size_t end = text.find('\n', next_line);
    std::size_t after = end + 1;
    if (end == std::string::npos) {
      if (!ended() || next_line == text.size()) return std::nullopt;
      end = after = text.size();
    }
    std::string line = text.substr(next_line, end - next_line);
    next_line = after;
    return line;
  }

  // One read() of what poll() said is there; end of file (or an error) closes the pipe.
  void read_available() {
    std::array<char, 64 * 1024> buffer;
    const ssize_t count = ::read(pipe.get(), buffer.data(), buffer.size());
    if (count > 0)
      text.append(buffer.data(), static_cast<std::size_t>(count));
    else if (count == 0 || (errno != EAGAIN && errno != EINTR))
      pipe.reset();
  }
};

// Where a sanitizer report (ThreadSanitizer, AddressSanitizer, LeakSanitizer, UBSan)
// begins in a child's stderr, or npos. Each report names its sanitizer followed by ':'
// ("WARNING: ThreadSanitizer: data race", "SUMMARY: UndefinedBehaviorSanitizer: ...").
std::size_t sanitizer_report_start(std::string_view text) {
  std::size_t first = std::string_view::npos;
  for (const std::string_view name :
       {"ThreadSanitizer:", "AddressSanitizer:", "LeakSanitizer:", "UndefinedBehaviorSanitizer:"}) {
    const std::size_t at = text.find(name);
    if (at == std::string_view::npos || at >= first) continue;
    const std::size_t line_start = text.rfind('\n', at);
    first = line_start == std::string_view::npos ? 0 : line_start + 1;
  }
  return first;
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& word : argv) line += (line.empty() ? "" : " ") + word;
  return line;
}

}  // namespace

struct child_process::state {
  pid_t pid;
  std::string command;                // argv joined, for failure messages
  std::optional<exit_status> status;  // set once the child has been reaped
  unique_fd stdin_pipe;               // our write end; reset by close_stdin()
  captured_stream out;
  captured_stream err;

  state(pid_t child, std::string command_text) : pid(child), command(std::move(command_text)) {}

  // A sanitizer report fails the test that started the child, however the child ended:
  // under halt_on_error it exits non-zero, but a test that kills its children at the end
  // never looks at their status, and a report in an unchecked child must not go unseen.
  ~state() {
    if (!status) {
      ::kill(pid, SIGKILL);
      int wait_status = 0;
      while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
      }
    }
    try {
      read_pending_output();  // what it wrote before it died
    } catch (const std::system_error&) {  // poll() failed: check what was read already
    }
    const std::size_t report = sanitizer_report_start(err.text);
    if (report != std::string::npos) {
      constexpr std::size_t shown = 16 * 1024;
      const std::string message = "the child process '" + command + "' (pid " +
                                  std::to_string(pid) + ") printed a sanitizer report:\n" +
                                  err.text.substr(report, shown);
      FAIL_CHECK(message);
    }
  }

  state(const state&) = delete;
  state& operator=(const state&) = delete;

  // Waits up to `timeout_ms` for output (and, if asked, for room in the stdin pipe) and
  // reads what arrived. True when something happened.
  bool poll_once(int timeout_ms, bool want_stdin_writable) {
    std::array<pollfd, 3> fds{};
    std::array<captured_stream*, 3> readers{};  // nullptr for the stdin entry
    nfds_t count = 0;
    for (captured_stream* stream : {&out, &err})
      if (!stream->ended()) {
        fds[count] = {stream->pipe.get(), POLLIN, 0};
        readers[count++] = stream;
      }
    if (want_stdin_writable && stdin_pipe) fds[count++] = {stdin_pipe.get(), POLLOUT, 0};
    if (::poll(fds.data(), count, timeout_ms) < 0) {
      if (errno == EINTR) return false;
      throw_errno("poll");
    }
    bool happened = false;
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      happened = true;
      if (readers[i] != nullptr) readers[i]->read_available();
    }
    return happened;
  }

  // Reads what is already in the pipes, without waiting. Bounded, in case a grandchild
  // keeps writing forever.
  void read_pending_output() {
    for (int round = 0; round < 1000 && poll_once(0, false); ++round) {
    }
  }

  // Reads both pipes until `done()`, the end of `stream`, or the deadline.
  template <typename Condition>
  bool read_until(const deadline& until, const captured_stream& stream, Condition done) {
    for (;;) {
      if (done()) return true;
      if (stream.ended()) return false;
      const bool last_round = until.expired();  // still read what is already there
      poll_once(until.poll_timeout(), false);
      if (last_round) return done();
    }
  }

  std::optional<std::string> read_line(captured_stream& stream, std::chrono::milliseconds timeout) {
    read_until(deadline(timeout), stream, [&stream] { return stream.has_line(); });
    return stream.take_line();
  }

  bool wait_for(captured_stream& stream, std::string_view needle, std::chrono::milliseconds timeout) {
    return read_until(deadline(timeout), stream,
                      [&] { return stream.text.find(needle) != std::string::npos; });
  }

  bool try_reap() {
    int wait_status = 0;
    pid_t reaped = 0;
    do reaped = ::waitpid(pid, &wait_status, WNOHANG);
    while (reaped < 0 && errno == EINTR);
    if (reaped == 0) return false;
    // ECHILD means someone else reaped our child (a test set SIGCHLD to SIG_IGN?).
    if (reaped < 0) throw_errno("waitpid(" + std::to_string(pid) + ")");
    status = exit_status::from_wait_status(wait_status);
    return true;
  }
};

child_process::child_process(std::vector<std::string> argv, environment extra_env) {
  if (argv.empty()) throw std::invalid_argument("child_process: empty argv");
  ignore_sigpipe_in_test_process();
  std::vector<std::string> env_strings = child_environment(extra_env);
  std::vector<char*> argv_pointers = null_terminated(argv);
  std::vector<char*> envp_pointers = null_terminated(env_strings);
  pipe_ends in = make_pipe();
  pipe_ends out = make_pipe();
  pipe_ends err = make_pipe();
  pipe_ends exec_error = make_pipe();
  const pid_t test_process = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) throw_errno("fork");
  if (pid == 0)
    become_child({argv_pointers.data(), envp_pointers.data(), in.read_end.get(), out.write_end.get(),
                  err.write_end.get(), exec_error.write_end.get(), test_process});

  state_ = std::make_unique<state>(pid, command_line(argv));  // from here on it is always reaped
  // Without our copies of the child's ends, end of file means the child closed them.
  in.read_end.reset();
  out.write_end.reset();
  err.write_end.reset();
  exec_error.write_end.reset();

  // exec closes the error pipe (close-on-exec): end of file means the program started.
  int child_errno = 0;
  ssize_t count = 0;
  do count = ::read(exec_error.read_end.get(), &child_errno, sizeof child_errno);
  while (count < 0 && errno == EINTR);
  if (count > 0)  // the child has exited; destroying state_ reaps it
    throw std::system_error(child_errno, std::generic_category(), "cannot run '" + argv[0] + "'");

  set_nonblocking(in.write_end);
  set_nonblocking(out.read_end);
  set_nonblocking(err.read_end);
  state_->stdin_pipe = std::move(in.write_end);
  state_->out.pipe = std::move(out.read_end);
  state_->err.pipe = std::move(err.read_end);
}

child_process::~child_process() = default;
child_process::child_process(child_process&&) noexcept = default;
child_process& child_process::operator=(child_process&&) noexcept = default;

pid_t child_process::pid() const { return state_->pid; }

bool child_process::write_stdin(std::string_view bytes, std::chrono::milliseconds timeout) {
  const deadline until(timeout);
  while (!bytes.empty()) {
    if (!state_->stdin_pipe) return false;
    const ssize_t count = ::write(state_->stdin_pipe.get(), bytes.data(), bytes.size());
    if (count >= 0) {
      bytes.remove_prefix(static_cast<std::size_t>(count));
    } else if (errno == EAGAIN) {
      // The pipe is full: the child may be blocked writing its own output, so read that
      // while waiting for room.
      if (until.expired()) return false;
      state_->poll_once(until.poll_timeout(), true);
    } else if (errno != EINTR) {
      return false;  // EPIPE: the child closed its stdin or exited
    }
  }
  return true;
}

void child_process::close_stdin() { state_->stdin_pipe.reset(); }

std::optional<std::string> child_process::read_stdout_line(std::chrono::milliseconds timeout) {
  return state_->read_line(state_->out, timeout);
}

std::optional<std::string> child_process::read_stderr_line(std::chrono::milliseconds timeout) {
  return state_->read_line(state_->err, timeout);
}

bool child_process::wait_for_stdout(std::string_view needle, std::chrono::milliseconds timeout) {
  return state_->wait_for(state_->out, needle, timeout);
}

bool child_process::wait_for_stderr(std::string_view needle, std::chrono::milliseconds timeout) {
  return state_->wait_for(state_->err, needle, timeout);
}

std::string child_process::stdout_text() {
  state_->read_pending_output();
  return state_->out.text;
}

std::string child_process::stderr_text() {
  state_->read_pending_output();
  return state_->err.text;
}

bool child_process::send_signal(int signal_number) {
  if (state_->status) return false;  // the pid may already belong to another process
  return ::kill(state_->pid, signal_number) == 0;
}

std::optional<exit_status> child_process::wait_exit(std::chrono::milliseconds timeout) {
  const deadline until(timeout);
  while (!state_->status && !state_->try_reap()) {
    if (until.expired()) return std::nullopt;
    // The pipes' end of file is no sign of exit (a grandchild may hold them, a child may
    // close them early), so keep reading output and look again every few milliseconds.
    state_->poll_once(until.poll_timeout(std::chrono::milliseconds(5)), false);
  }
  return state_->status;
}

}  // namespace imchat::test
