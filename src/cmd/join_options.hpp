#pragma once
// What a program that reads a room asks for on joining it (display, chat): --history N,
// the last N messages the room keeps, and --since TIME, what was said since then.

#include "cmd/cli.hpp"
#include "kernel/options.hpp"

#include <cstdint>
#include <string>
#include <variant>

namespace imchat::cmd {

void add_join_options(cli_spec& spec, std::uint32_t default_history);

// The binding's options, or why --since cannot be read (a usage error).
std::variant<bind_options, std::string> join_options_from(const po::variables_map& vm);

}  // namespace imchat::cmd
