#pragma once
// The options of a program that listens (server, room): how many connections it admits
// in all and from one host, how much memory partly received frames may hold, and how long
// a new peer has to greet and say what it wants. Checked in one place, so the server and
// the room refuse the same values with the same words.

#include "cmd/cli.hpp"
#include "net/admission.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace imchat::cmd {

// Adds --max-connections, --max-connections-per-host, --max-partial-frame-memory and
// --handshake-timeout, with `defaults` as their defaults; `per` says what the limits
// count for ("the directory", "the room's queue and its exchange each").
void add_listener_options(cli_spec& spec, const net::connection_limits& defaults, std::string_view per);

// The four as given; or what is wrong with one of them, for usage_error.
std::optional<std::string> listener_options_from(const po::variables_map& vm, net::connection_limits& limits,
                                                 std::chrono::milliseconds& handshake_timeout);

// The options add_listener_options adds, for checks such as "does not go with --list".
inline constexpr const char* listener_option_names[] = {"max-connections", "max-connections-per-host",
                                                        "max-partial-frame-memory", "handshake-timeout"};

}  // namespace imchat::cmd
