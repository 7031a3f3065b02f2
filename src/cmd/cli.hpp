#pragma once
// What every subcommand's command line shares: option parsing with one error style,
// --help and --log-level, and the usage line printed on a usage error.

#include "chat/waiting.hpp"

#include <boost/program_options.hpp>

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace imchat::cmd {

namespace po = boost::program_options;

// Describes one subcommand's command line, for parsing and for its --help.
struct cli_spec {
  cli_spec(std::string_view name_, std::string_view synopsis_, std::string_view summary_)
      : name(name_), synopsis(synopsis_), summary(summary_) {}

  std::string_view name;      // e.g. "server"
  std::string_view synopsis;  // e.g. "[OPTIONS] [PORT]"
  std::string_view summary;   // a paragraph for --help
  po::options_description options{"Options"};
  // The positional arguments, named for program_options but not shown as options in
  // --help: the synopsis and summary describe them.
  po::options_description arguments{"Arguments"};
  po::positional_options_description positionals;
};

// Adds the options every subcommand has: --help, --log-level.
void add_common_options(cli_spec& spec);

// Adds --config FILE (see config_file.hpp); parse_command_line then reads the file.
void add_config_option(cli_spec& spec);

// Adds --timeout SECONDS: how long a chat program waits for `what` before giving up.
void add_timeout_option(cli_spec& spec, std::string_view what);
// The waiting rules --timeout (when given) and the stop signal make.
chat::wait_policy wait_policy_from(const po::variables_map& vm, const chat::stop_signal& stop);

// Adds --peer-timeout SECONDS: how long a peer may send nothing, not even a heartbeat,
// before its connection is taken for dead (default 5, at least 2).
void add_peer_timeout_option(cli_spec& spec);
// --peer-timeout as parse_command_line checked it.
std::chrono::milliseconds peer_timeout_from(const po::variables_map& vm);

// What every chat program (room, prompt, display, chat) takes to reach the others:
// --timeout for waiting on `what`, --peer-timeout, and --directory with the etcd options
// (directory_options.hpp).
void add_chat_options(cli_spec& spec, std::string_view what);

// Parses `args` against `spec`. On --help prints the help to stdout and returns exit 0;
// on a usage error prints "imchat NAME: ERROR" and the usage line to stderr and returns
// exit 2. Returns std::nullopt when the caller should go on (logging is then set up).
std::optional<int> parse_command_line(cli_spec& spec, std::span<const std::string> args,
                                      po::variables_map& vm);

// Prints "imchat NAME: MESSAGE" plus the usage line to stderr and returns exit 2, for usage
// errors found after parsing (a bad port, say).
int usage_error(const cli_spec& spec, std::string_view message);

}  // namespace imchat::cmd
