// The man page and the program agree: every option that some `--help` shows is in
// man/imchat.1, every option the page names exists, and the page lints clean.

#include "support/run_program.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include "support/regex.hpp"
#include <set>
#include <sstream>

namespace {

const std::vector<std::string> subcommands{"server", "room", "prompt", "display", "bench"};

std::set<std::string> long_options_in(const std::string& text) {
  std::set<std::string> options;
  const std::regex option(R"((^|[^A-Za-z0-9-])(--[a-z][a-z-]*[a-z]))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), option); it != std::sregex_iterator(); ++it)
    options.insert((*it)[2]);
  return options;
}

std::string help_of(const std::vector<std::string>& args) {
  std::vector<std::string> argv{IMCHAT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = imchat::test::run_program(argv);
  REQUIRE(result.status == imchat::test::exit_status::exited(0));
  return result.stdout_text;
}

// The page's text with roff's escaped hyphens ("\-") made plain.
std::string man_page_options_text() {
  std::ifstream page(IMCHAT_MAN_PAGE);
  REQUIRE(page);
  std::stringstream text;
  text << page.rdbuf();
  std::string plain = std::regex_replace(text.str(), std::regex(R"(\\-)"), "-");
  // mdoc writes an option as "Fl \-name": make that "--name" as in --help.
  return std::regex_replace(plain, std::regex(R"(Fl -)"), "--");
}

}  // namespace

TEST_SUITE("man") {
  TEST_CASE("every option of every --help is in the man page") {
    const auto page = long_options_in(man_page_options_text());
    std::set<std::string> shown = long_options_in(help_of({"--help"}));
    for (const auto& command : subcommands) shown.merge(long_options_in(help_of({command, "--help"})));
    CHECK(shown.size() > 10);
    for (const auto& option : shown) {
      INFO("missing from man/imchat.1: " << option);
      CHECK(page.contains(option));
    }
  }

  TEST_CASE("every option the man page names exists in some --help") {
    std::set<std::string> shown = long_options_in(help_of({"--help"}));
    for (const auto& command : subcommands) shown.merge(long_options_in(help_of({command, "--help"})));
    for (const auto& option : long_options_in(man_page_options_text())) {
      INFO("the man page names an option no --help shows: " << option);
      CHECK(shown.contains(option));
    }
  }

  TEST_CASE("the man page lints clean with mandoc and man") {
    const std::string page = IMCHAT_MAN_PAGE;
    const auto lint = imchat::test::run_program({"/usr/bin/mandoc", "-Tlint", "-W", "warning", page});
    INFO(lint);
    CHECK(lint.status == imchat::test::exit_status::exited(0));
    CHECK(lint.stdout_text.empty());
    const auto rendered = imchat::test::run_program({"/usr/bin/man", "--warnings", "-l", page});
    INFO(rendered);
    CHECK(rendered.status == imchat::test::exit_status::exited(0));
    CHECK(rendered.stderr_text.empty());
  }
}
