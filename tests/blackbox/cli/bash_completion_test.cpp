// packaging/bash-completion/imchat, run in bash the way bash runs it on TAB: it offers
// exactly the commands `imchat --help` lists and exactly the options each command's
// --help shows (its lists are static, so this is what keeps them up to date), and the
// values of the options that take a known kind of value.

#include "support/run_program.hpp"

#include <doctest/doctest.h>

#include "support/regex.hpp"
#include "support/imchat_binary.hpp"
#include <set>
#include <sstream>

// Sets of words print as {a, b} in failure messages.
template <>
struct doctest::StringMaker<std::set<std::string>> {
  static doctest::String convert(const std::set<std::string>& words) {
    std::string text = "{";
    for (const auto& word : words) text += (text.size() > 1 ? ", " : "") + word;
    return (text + "}").c_str();
  }
};

using imchat::test::exit_status;
using imchat::test::run_program;

namespace {

using word_set = std::set<std::string>;

const std::vector<std::string> subcommands{"server", "room", "prompt", "display", "chat", "bench", "keygen"};

// What the completion offers for a command line whose last word is being completed:
// completions({"imchat", "room", "--log"}) is what TAB after "imchat room --log" offers.
word_set completions(const std::vector<std::string>& words) {
  // COMP_WORDS as bash sets it: the words, the last one the one under the cursor.
  const std::string script = R"(
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _imchat
    for word in "${COMPREPLY[@]}"; do printf '%s\n' "$word"; done)";
  std::vector<std::string> argv{"bash", "-c", script, "bash", IMCHAT_BASH_COMPLETION};
  argv.insert(argv.end(), words.begin(), words.end());
  const auto result = run_program(argv);
  INFO(result);
  REQUIRE(result.status == exit_status::exited(0));
  CHECK(result.stderr_text.empty());
  word_set offered;
  std::istringstream lines(result.stdout_text);
  for (std::string line; std::getline(lines, line);) offered.insert(line);
  return offered;
}

std::string help_of(const std::vector<std::string>& args) {
  std::vector<std::string> argv{IMCHAT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = run_program(argv);
  REQUIRE(result.status == exit_status::exited(0));
  return result.stdout_text;
}

// The options in the "Options:" part of a --help: the long ones ("--timeout") and the
// short ones Program_options writes as "-d [ --directory ]".
word_set options_in_help(const std::string& help) {
  const auto options_part = help.find("\nOptions:\n");
  REQUIRE(options_part != std::string::npos);
  word_set options;
  std::istringstream lines(help.substr(options_part));
  const std::regex option_line(R"(^  (-[A-Za-z]) \[ (--[a-z-]+) \]|^  (--[a-z-]+))");
  for (std::string line; std::getline(lines, line);) {
    std::smatch found;
    if (!std::regex_search(line, found, option_line)) continue;
    for (int i = 1; i <= 3; ++i)
      if (found[i].matched) options.insert(found[i]);
  }
  return options;
}

}  // namespace

TEST_SUITE("completion") {
  TEST_CASE("the first word completes to the commands imchat --help lists") {
    word_set listed;
    std::istringstream lines(help_of({"--help"}));
    bool in_commands = false;
    for (std::string line; std::getline(lines, line);) {
      if (line == "Commands:") in_commands = true;
      else if (line.empty()) in_commands = false;
      else if (in_commands) listed.insert(line.substr(2, line.find(' ', 2) - 2));
    }
    CHECK(listed == word_set(subcommands.begin(), subcommands.end()));
    CHECK(completions({"imchat", ""}) == listed);
    CHECK(completions({"imchat", "ro"}) == word_set{"room"});
    CHECK(completions({"imchat", "--"}) == word_set{"--help", "--version"});
  }

  TEST_CASE("each command's options complete to exactly what its --help shows") {
    for (const auto& command : subcommands) {
      INFO("imchat " << command);
      const auto shown = options_in_help(help_of({command, "--help"}));
      CHECK(shown.contains("--log-level"));  // the parse found the options at all
      CHECK(completions({"imchat", command, "-"}) == shown);
      // Also after arguments and other options, and not after "--", where every word
      // is an argument.
      CHECK(completions({"imchat", command, "--log-level", "debug", "cheese", "-"}) == shown);
      CHECK(completions({"imchat", command, "--", "-"}).empty());
    }
    CHECK(completions({"imchat", "server", "--li"}) == word_set{"--list", "--listen"});
  }

  TEST_CASE("option values complete to what the option takes") {
    const word_set levels{"trace", "debug", "info", "warn", "error", "critical", "off"};
    CHECK(completions({"imchat", "room", "--log-level", ""}) == levels);
    // "--log-level=d": bash splits words at "=".
    CHECK(completions({"imchat", "display", "--log-level", "=", "d"}) == word_set{"debug"});
    CHECK(completions({"imchat", "display", "--log-level", "="}) == levels);
    // Files, for the configuration: this one is certainly there.
    CHECK(completions({"imchat", "room", "--config", IMCHAT_BASH_COMPLETION}) ==
          word_set{IMCHAT_BASH_COMPLETION});
    CHECK(completions({"imchat", "server", "--listen", "l"}).contains("lo"));
    // Numbers and names: nothing to offer, and in particular not the options.
    CHECK(completions({"imchat", "room", "--io-threads", ""}).empty());
    CHECK(completions({"imchat", "prompt", "--timeout", "-"}).empty());
  }
}
