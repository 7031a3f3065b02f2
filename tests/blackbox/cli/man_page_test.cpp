// The man pages and the program agree: every option that some `--help` shows is in
// man/imchat.1, every option the page names exists, man/imchat-protocol.7 names every
// frame type and error code the code defines, and both pages lint clean.

#include "support/run_program.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include "support/regex.hpp"
#include "support/imchat_binary.hpp"
#include <map>
#include <set>
#include <sstream>

namespace {

const std::filesystem::path source_dir = IMCHAT_SOURCE_DIR;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot read " << path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every first capture group of `pattern` in `text`, paired with the second when given.
std::map<std::string, std::string> matches_in(const std::string& text, const std::regex& pattern) {
  std::map<std::string, std::string> found;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern); it != std::sregex_iterator(); ++it)
    found[(*it)[1]] = it->size() > 2 ? (*it)[2].str() : std::string();
  return found;
}

// Whether `page` has a line matching `line` (an ECMAScript regex for the whole line).
bool page_has_line(const std::string& page, const std::string& line) {
  return std::regex_search(page, std::regex("(^|\n)" + line + "(\n|$)"));
}

const std::vector<std::string> subcommands{"server", "room", "prompt", "display", "chat", "bench", "keygen"};

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

  TEST_CASE("the man pages lint clean with mandoc and man") {
    for (const std::string page : {IMCHAT_MAN_PAGE, IMCHAT_PROTOCOL_MAN_PAGE}) {
      INFO(page);
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

  TEST_CASE("imchat(1) refers to imchat-protocol(7)") {
    CHECK(page_has_line(read_text(IMCHAT_MAN_PAGE), R"(\.Xr imchat-protocol 7)"));
    CHECK(page_has_line(read_text(IMCHAT_PROTOCOL_MAN_PAGE), R"(\.Xr imchat 1)"));
  }

  // The protocol page cannot fall behind the protocol: a frame type added to the codec
  // (src/wire/frame.cpp's frame_type_name) or to the specification's table
  // (docs/wire-protocol.md §3) fails here until imchat-protocol.7 lists it, with its
  // type number, in the FRAME TYPES table and describes its body.
  TEST_CASE("imchat-protocol(7) lists every frame type of the codec and the specification") {
    const std::string page = read_text(IMCHAT_PROTOCOL_MAN_PAGE);
    const auto in_code =
        matches_in(read_text(source_dir / "src/wire/frame.cpp"), std::regex(R"re(return "([A-Z_]+)";)re"));
    // Rows of the spec's table: | `0x01` | ERROR | either | ... |
    const auto in_spec = matches_in(read_text(source_dir / "docs/wire-protocol.md"),
                                    std::regex(R"(\n\| *`(0x[0-9A-Fa-f]{2})` *\| *([A-Z_]+) *\|)"));
    CHECK(in_code.size() >= 14);
    CHECK(in_spec.size() >= 14);
    std::map<std::string, std::string> type_of;  // name -> "0x01"
    for (const auto& [type, name] : in_spec) type_of[name] = type;
    for (const auto& [name, unused] : in_code) {
      INFO("src/wire/frame.cpp names a frame type that docs/wire-protocol.md §3 lacks: " << name);
      CHECK(type_of.contains(name));
    }
    for (const auto& [name, type] : type_of) {
      INFO("man/imchat-protocol.7 lacks frame type " << name << " (" << type << "): add it to the FRAME TYPES "
           "table as '.It Li " << type << " Ta " << name << " Ta DIRECTION' and describe its body as "
           "'.It " << name << " Pq Li " << type << "'");
      CHECK(page_has_line(page, R"(\.It Li )" + type + " Ta " + name + " Ta .+"));
      CHECK(page_has_line(page, R"(\.It )" + name + R"( Pq Li )" + type));
    }
  }

  // Likewise for the codes that ERROR and FAIL frames carry (src/wire/error.hpp); the
  // decoder's own codes (1000 and up) are never sent and are not listed.
  TEST_CASE("imchat-protocol(7) lists every error code the protocol sends") {
    const std::string page = read_text(IMCHAT_PROTOCOL_MAN_PAGE);
    const auto codes = matches_in(read_text(source_dir / "src/wire/error.hpp"),
                                  std::regex(R"(\n *([a-z_]+) = ([0-9]+),)"));
    CHECK(codes.size() >= 16);
    for (const auto& [name, code] : codes) {
      if (std::stoi(code) >= 1000) continue;
      INFO("man/imchat-protocol.7 lacks error " << code << " " << name << " under PROTOCOL ERRORS: add '.It "
           << code << " Sy " << name << "' and its meaning");
      CHECK(page_has_line(page, R"(\.It )" + code + " Sy " + name));
    }
  }
}
