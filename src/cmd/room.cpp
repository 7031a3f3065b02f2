#include "cmd/cli.hpp"
#include "cmd/command.hpp"

#include <iostream>

namespace imchat::cmd {

int room_main(std::span<const std::string> args) {
  cli_spec spec("room", "[OPTIONS]", "Not implemented yet.");
  add_common_options(spec);
  po::variables_map vm;
  if (auto status = parse_command_line(spec, args, vm)) return *status;
  std::cerr << "imchat room: not implemented yet\n";
  return exit_failure;
}

}  // namespace imchat::cmd
