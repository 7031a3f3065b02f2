// The imchat command line as a user meets it: help, version and usage errors, for the
// program and for each subcommand. What the subcommands do is tested elsewhere.

#include "support/run_program.hpp"
#include "support/imchat_binary.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

using imchat::test::exit_status;
using imchat::test::program_result;

namespace {

const std::vector<std::string> subcommands{"server", "room", "prompt", "display", "bench", "keygen"};

program_result run_imchat(std::vector<std::string> args) {
  args.insert(args.begin(), IMCHAT_BINARY);
  return imchat::test::run_program(std::move(args));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

bool has_line_starting_with(const std::string& text, std::string_view prefix) {
  const auto lines = lines_of(text);
  return std::any_of(lines.begin(), lines.end(), [prefix](const std::string& line) { return line.starts_with(prefix); });
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// A usage error: exit 2, nothing on stdout, and on stderr a few lines, not the whole help:
// the error, the usage line starting with `usage_prefix`, perhaps a hint.
void check_usage_error(const program_result& result, std::string_view usage_prefix) {
  INFO(result);
  CHECK(result.status == exit_status::exited(2));
  CHECK(result.stdout_text.empty());
  CHECK(has_line_starting_with(result.stderr_text, usage_prefix));
  CHECK(lines_of(result.stderr_text).size() <= 4);
}

// Help: exit 0, on stdout only, starting with the usage line.
void check_help(const program_result& result, std::string_view usage_prefix) {
  INFO(result);
  CHECK(result.status == exit_status::exited(0));
  CHECK(result.stdout_text.starts_with(usage_prefix));
  CHECK(result.stderr_text.empty());
}

}  // namespace

TEST_SUITE("cli") {

TEST_CASE("imchat --help shows the usage and every subcommand and exits 0") {
  for (const std::string option : {"--help", "-h", "help"}) {
    CAPTURE(option);
    const auto result = run_imchat({option});
    check_help(result, "usage: imchat ");
    for (const auto& name : subcommands) {
      CAPTURE(name);
      CHECK(has_line_starting_with(result.stdout_text, "  " + name + " "));
    }
  }
}

TEST_CASE("imchat --version prints the version and exits 0") {
  for (const std::string option : {"--version", "-V"}) {
    CAPTURE(option);
    const auto result = run_imchat({option});
    INFO(result);
    CHECK(result.status == exit_status::exited(0));
    CHECK(result.stdout_text == "imchat " IMCHAT_VERSION "\n");
    CHECK(result.stderr_text.empty());
  }
}

TEST_CASE("imchat without a command is a usage error") {
  const auto result = run_imchat({});
  check_usage_error(result, "usage: imchat ");
  CHECK(contains(result.stderr_text, "missing command"));
}

TEST_CASE("an unknown command is a usage error naming it") {
  const auto result = run_imchat({"frobnicate", "--help"});
  check_usage_error(result, "usage: imchat ");
  CHECK(contains(result.stderr_text, "'frobnicate'"));
}

TEST_CASE("an unknown option before the command is a usage error naming it") {
  const auto result = run_imchat({"--bogus"});
  check_usage_error(result, "usage: imchat ");
  CHECK(contains(result.stderr_text, "--bogus"));
}

TEST_CASE("each subcommand's --help shows its usage and options and exits 0") {
  for (const auto& name : subcommands) {
    for (const std::string option : {"--help", "-h"}) {
      CAPTURE(name);
      CAPTURE(option);
      const auto result = run_imchat({name, option});
      check_help(result, "usage: imchat " + name + " ");
      CHECK(contains(result.stdout_text, "--help"));
      CHECK(contains(result.stdout_text, "--log-level"));
    }
  }
}

TEST_CASE("each subcommand rejects an unknown option with its own usage line") {
  for (const auto& name : subcommands) {
    CAPTURE(name);
    const auto result = run_imchat({name, "--bogus"});
    check_usage_error(result, "usage: imchat " + name + " ");
    CHECK(contains(result.stderr_text, "--bogus"));
    // The same usage line as the subcommand's --help starts with.
    const auto help_lines = lines_of(run_imchat({name, "--help"}).stdout_text);
    REQUIRE_FALSE(help_lines.empty());
    CHECK(has_line_starting_with(result.stderr_text, help_lines.front()));
  }
}

// program_options fills "%value%" into its messages until none is left: a value holding
// one used to hang the program.
TEST_CASE("a bad value holding a message placeholder is a usage error naming it and not a hang") {
  for (const auto& args : std::vector<std::vector<std::string>>{{"room", "--peer-timeout", "%value%", "cheese"},
                                                                 {"server", "--peer-timeout=x%value%y"},
                                                                 {"display", "--history", "%value%%", "cheese"},
                                                                 {"prompt", "--linger", "%canonical_option%", "c", "k"}}) {
    CAPTURE(args.front());
    const auto result = run_imchat(args);
    check_usage_error(result, "usage: imchat " + args.front() + " ");
    CHECK(contains(result.stderr_text, "is invalid"));
  }
  CHECK(contains(run_imchat({"room", "--peer-timeout", "%value%", "cheese"}).stderr_text,
                 "the argument ('%25value%25') for option '--peer-timeout' is invalid"));
}

TEST_CASE("an unknown --log-level is a usage error") {
  for (const auto& name : subcommands) {
    CAPTURE(name);
    check_usage_error(run_imchat({name, "--log-level", "bogus"}), "usage: imchat " + name + " ");
  }
  const auto result = run_imchat({"server", "--log-level", "bogus"});
  INFO(result);
  CHECK(contains(result.stderr_text, "'bogus'"));
}

TEST_CASE("every subcommand has --peer-timeout and refuses less than 2 seconds") {
  // Each with its arguments, so that the option is what is wrong.
  const std::vector<std::vector<std::string>> commands{
      {"server"}, {"room", "cheese"}, {"prompt", "cheese", "kofi"}, {"display", "cheese"}};
  for (const auto& command : commands) {
    const auto& name = command.front();
    CAPTURE(name);
    CHECK(contains(run_imchat({name, "--help"}).stdout_text, "--peer-timeout"));
    for (const std::string bad : {"1.9", "0", "-5", "nan", "1e9", "soon"}) {
      CAPTURE(bad);
      auto args = command;
      args.insert(args.end(), {"--peer-timeout", bad});
      const auto result = run_imchat(args);
      check_usage_error(result, "usage: imchat " + name + " ");
      CHECK(contains(result.stderr_text, "peer-timeout"));
    }
  }
}

}  // TEST_SUITE
