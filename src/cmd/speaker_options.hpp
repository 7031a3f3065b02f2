#pragma once
// What the programs that talk in a room share on their command line (prompt, chat): the
// arguments ROOM USER, and --linger, how long to wait on leaving for the room to
// acknowledge every line.

#include "cmd/cli.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace imchat::cmd {

// ROOM and USER, positional; --linger SECONDS (default 10), waited for `when`.
void add_speaker_options(cli_spec& spec, std::string_view when);

// Why ROOM, USER or --linger cannot be used (a usage error), or nullopt.
std::optional<std::string> speaker_problem(const po::variables_map& vm);

std::chrono::milliseconds linger_from(const po::variables_map& vm);

}  // namespace imchat::cmd
