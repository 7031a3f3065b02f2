#include "cmd/cli.hpp"
#include "cmd/command.hpp"

#include <iostream>

namespace imchat::cmd {

int server_main(std::span<const std::string> args) {
  cli_spec spec("server", "[OPTIONS] [PORT]", "Directory service.");
  add_common_options(spec);
  po::variables_map vm;
  if (auto status = parse_command_line(spec, args, vm)) return *status;
  std::cerr << "imchat server: not implemented yet\n";
  return exit_failure;
}

}  // namespace imchat::cmd
