#pragma once
// How a child process ended: it exited with a code, or a signal killed it. Comparable and
// printable, so `CHECK(child.wait_exit() == exit_status::exited(0))` fails with a message
// such as "killed by signal 11 (Segmentation fault) == exited with code 0".

#include <optional>
#include <ostream>
#include <string>

namespace imchat::test {

class exit_status {
 public:
  static exit_status exited(int code);
  static exit_status killed_by(int signal_number);
  // Decodes the status waitpid() reports for a child that has terminated.
  static exit_status from_wait_status(int wait_status);

  bool was_killed_by_signal() const { return killed_; }
  int exit_code() const { return killed_ ? -1 : value_; }            // -1 when killed
  int signal_number() const { return killed_ ? value_ : 0; }          // 0 when exited

  friend bool operator==(const exit_status&, const exit_status&) = default;

 private:
  exit_status(bool killed, int value) : killed_(killed), value_(value) {}

  bool killed_;
  int value_;  // the exit code, or the number of the signal that killed the process
};

// "exited with code 2", "killed by signal 15 (Terminated)".
std::string to_string(const exit_status& status);

std::ostream& operator<<(std::ostream& out, const exit_status& status);
// For doctest's messages about `wait_exit()` results: an empty one prints "still running".
std::ostream& operator<<(std::ostream& out, const std::optional<exit_status>& status);

}  // namespace imchat::test
