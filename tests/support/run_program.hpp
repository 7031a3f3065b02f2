#pragma once
// Runs a program that is expected to finish on its own (`imchat --help`, a usage error)
// and collects how it ended and everything it wrote.
//
//   const auto result = run_program({IMCHAT_BINARY, "--version"});
//   INFO(result);
//   CHECK(result.status == exit_status::exited(0));

#include "support/child_process.hpp"
#include "support/deadline.hpp"
#include "support/exit_status.hpp"

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

namespace imchat::test {

struct program_result {
  exit_status status;
  std::string stdout_text;
  std::string stderr_text;
};

// Runs argv with stdin at end of file until it exits. Throws std::runtime_error (and
// kills it) if it is still running when the timeout passes.
program_result run_program(std::vector<std::string> argv, child_process::environment extra_env = {},
                           std::chrono::milliseconds timeout = default_timeout);

// The status and both outputs, for failure messages.
std::ostream& operator<<(std::ostream& out, const program_result& result);

}  // namespace imchat::test
