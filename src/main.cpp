// imchat: instant messaging over a broker-less messaging kernel.
// This file only picks the subcommand; each one lives in src/cmd/.

#include "cmd/command.hpp"

#include <iostream>
#include <string>
#include <system_error>
#include <vector>

namespace {

constexpr std::string_view usage_line = "usage: imchat [--help | --version] COMMAND [ARGS...]";

void print_help() {
  std::cout << usage_line << "\n\n"
            << "Instant messaging over a broker-less messaging kernel.\n\n"
            << "Commands:\n";
  for (const auto& command : imchat::cmd::all_commands())
    std::cout << "  " << command.name << std::string(10 - command.name.size(), ' ')
              << command.summary << "\n";
  std::cout << "\nOptions:\n"
            << "  -h [ --help ]       show this help and exit\n"
            << "  --version           show the version and exit\n\n"
            << "Run 'imchat COMMAND --help' for a command's arguments and options.\n";
}

int usage_error(std::string_view message) {
  std::cerr << "imchat: " << message << "\n" << usage_line << "\n";
  return imchat::cmd::exit_usage;
}

// A system_error's what() ends in ": " and its code's message ("Invalid argument"), which
// only repeats what our messages already say in words of their own.
std::string without_code_message(const std::system_error& e) {
  std::string text = e.what();
  const std::string suffix = ": " + e.code().message();
  if (text.size() > suffix.size() && text.ends_with(suffix)) text.resize(text.size() - suffix.size());
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage_error("missing command");
  const std::string& first = args.front();
  if (first == "--help" || first == "-h" || first == "help") {
    print_help();
    return imchat::cmd::exit_ok;
  }
  if (first == "--version" || first == "-V") {
    std::cout << "imchat " << IMCHAT_VERSION << "\n";
    return imchat::cmd::exit_ok;
  }
  for (const auto& command : imchat::cmd::all_commands())
    if (command.name == first) {
      try {
        return command.main(std::span(args).subspan(1));
      } catch (const std::system_error& e) {
        std::cerr << "imchat " << command.name << ": " << without_code_message(e) << "\n";
        return imchat::cmd::exit_failure;
      } catch (const std::exception& e) {
        std::cerr << "imchat " << command.name << ": " << e.what() << "\n";
        return imchat::cmd::exit_failure;
      }
    }
  if (first.starts_with("-")) return usage_error("unknown option '" + first + "'");
  return usage_error("unknown command '" + first + "'");
}
