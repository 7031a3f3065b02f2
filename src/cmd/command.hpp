#pragma once
// The subcommands of the imchat binary. Each lives in its own file in src/cmd/ and is a
// thin program over the library, written to read like the tutorial's listing for it.

#include <span>
#include <string>
#include <string_view>

namespace imchat::cmd {

// Exit statuses shared by every subcommand (documented in the man page).
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

// A subcommand's entry point: its own arguments (without the program and subcommand name).
using command_main = int (*)(std::span<const std::string> args);

struct command {
  std::string_view name;
  std::string_view summary;
  command_main main;
};

int server_main(std::span<const std::string> args);
int room_main(std::span<const std::string> args);
int prompt_main(std::span<const std::string> args);
int display_main(std::span<const std::string> args);
int chat_main(std::span<const std::string> args);
int bench_main(std::span<const std::string> args);
int keygen_main(std::span<const std::string> args);

// Every subcommand, in the order `imchat --help` lists them.
std::span<const command> all_commands();

}  // namespace imchat::cmd
