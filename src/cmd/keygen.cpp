// imchat keygen: a new key for a room or a directory, in a file of its own that only its
// owner may read. The key itself is never printed: it goes from getrandom(2) to the file.

#include "cmd/cli.hpp"
#include "cmd/command.hpp"
#include "util/key_file.hpp"

#include <iostream>

namespace imchat::cmd {

int keygen_main(std::span<const std::string> args) {
  cli_spec spec("keygen", "[OPTIONS] FILE",
                "Write a new random 256-bit key to FILE, created with mode 0600, for --key-file\n"
                "and --directory-key-file. Never replaces a file: FILE must not exist. Copy\n"
                "the file to each host that needs it (scp keeps it private; mode 0600 there too).");
  spec.arguments.add_options()("file", po::value<std::string>()->required(), "where to write the key");
  spec.positionals.add("file", 1);
  add_common_options(spec);
  po::variables_map vm;
  if (auto status = parse_command_line(spec, args, vm)) return *status;

  const auto file = vm["file"].as<std::string>();
  write_new_key_file(file);  // a key_file_error says why not, naming the file
  std::cerr << "imchat keygen: wrote a new key to '" << file << "'\n";
  return exit_ok;
}

}  // namespace imchat::cmd
