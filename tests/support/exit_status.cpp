#include "support/exit_status.hpp"

#include <cstring>
#include <stdexcept>

#include <sys/wait.h>

namespace imchat::test {

exit_status exit_status::exited(int code) { return {false, code}; }

exit_status exit_status::killed_by(int signal_number) { return {true, signal_number}; }

exit_status exit_status::from_wait_status(int wait_status) {
  if (WIFEXITED(wait_status)) return exited(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return killed_by(WTERMSIG(wait_status));
  // Stopped or continued children are only reported with WUNTRACED/WCONTINUED.
  throw std::logic_error("wait status " + std::to_string(wait_status) + " is not a termination");
}

std::string to_string(const exit_status& status) {
  if (!status.was_killed_by_signal()) return "exited with code " + std::to_string(status.exit_code());
  return "killed by signal " + std::to_string(status.signal_number()) + " (" +
         ::strsignal(status.signal_number()) + ")";
}

std::ostream& operator<<(std::ostream& out, const exit_status& status) {
  return out << to_string(status);
}

std::ostream& operator<<(std::ostream& out, const std::optional<exit_status>& status) {
  if (!status) return out << "still running";
  return out << *status;
}

}  // namespace imchat::test
