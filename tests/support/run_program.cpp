#include "support/run_program.hpp"

#include <stdexcept>

namespace imchat::test {

program_result run_program(std::vector<std::string> argv, child_process::environment extra_env,
                           std::chrono::milliseconds timeout) {
  const std::string program = argv.empty() ? std::string() : argv.front();
  child_process child(std::move(argv), std::move(extra_env));
  child.close_stdin();  // a program that reads stdin sees end of file, not a hang
  const auto status = child.wait_exit(timeout);
  if (!status)
    throw std::runtime_error("'" + program + "' still running after " + std::to_string(timeout.count()) +
                             " ms; stderr so far:\n" + child.stderr_text());
  return {*status, child.stdout_text(), child.stderr_text()};
}

std::ostream& operator<<(std::ostream& out, const program_result& result) {
  return out << result.status << "\n--- stdout ---\n"
             << result.stdout_text << "\n--- stderr ---\n"
             << result.stderr_text << "\n--------------";
}

}  // namespace imchat::test
