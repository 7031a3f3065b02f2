#pragma once
// Network namespaces for tests that need several hosts on one machine: running `ip`,
// making and removing namespaces named after the test process (so that concurrent runs
// do not collide, and a run killed before it could clean up is cleaned up after by the
// next), and running a program inside one. test_lan.hpp and the kernel's test_network
// build their hosts with these.

#include "support/run_program.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::test::netns {

// `ip ARGS`, as it ended.
program_result ip(std::vector<std::string> args);
// `ip ARGS`; throws std::runtime_error with its output when it fails.
void ip_or_throw(std::vector<std::string> args);

// Why namespaces cannot be made here (not root, no `ip`, not permitted), or nullopt.
std::optional<std::string> unavailable(std::string_view prefix);

// "<prefix><pid>-<suffix>": a namespace name of this test process.
std::string name_for(std::string_view prefix, std::string_view suffix);
// Deletes the namespaces named "<prefix><pid>-..." whose process is gone.
void remove_leftovers(std::string_view prefix);

// The command line that runs argv inside namespace `name`.
std::vector<std::string> run_in(const std::string& name, std::vector<std::string> argv);

}  // namespace imchat::test::netns
