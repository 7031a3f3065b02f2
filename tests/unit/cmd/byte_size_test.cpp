// Byte counts on the command line and in config files: "4096", "512K", "4M", "1G", parsed
// by hand and through Boost.Program_options.

#include "cmd/byte_size.hpp"

#include <boost/program_options.hpp>
#include <doctest/doctest.h>

#include <cstddef>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace po = boost::program_options;
using imchat::cmd::byte_size;
using imchat::cmd::format_byte_size;

namespace {

constexpr std::size_t KiB = std::size_t{1} << 10;
constexpr std::size_t MiB = std::size_t{1} << 20;
constexpr std::size_t GiB = std::size_t{1} << 30;
constexpr std::size_t max_size = std::numeric_limits<std::size_t>::max();

po::options_description byte_options() {
  po::options_description options("Options");
  options.add_options()
      ("limit", po::value<byte_size>()->default_value(byte_size{4 * MiB})->value_name("BYTES"),
       "a byte count");
  return options;
}

// Parses `arguments` (without the program's name) and returns --limit's bytes.
std::size_t parse_limit(std::vector<std::string> arguments) {
  std::vector<const char*> argv{"imchat"};
  for (const auto& argument : arguments) argv.push_back(argument.c_str());
  po::variables_map values;
  po::store(po::parse_command_line(static_cast<int>(argv.size()), argv.data(), byte_options()), values);
  po::notify(values);
  return values["limit"].as<byte_size>().bytes;
}

std::size_t parse_config_limit(const std::string& text) {
  std::istringstream in(text);
  po::variables_map values;
  po::store(po::parse_config_file(in, byte_options()), values);
  po::notify(values);
  return values["limit"].as<byte_size>().bytes;
}

}  // namespace

namespace {

// The value parsed, or nullopt when refused (with a reason).
std::optional<std::size_t> parse_byte_size(std::string_view text) {
  std::size_t bytes = 7;
  if (const auto problem = imchat::cmd::parse_byte_size(text, bytes)) {
    CHECK_FALSE(problem->empty());
    CHECK(bytes == 7);
    return std::nullopt;
  }
  return bytes;
}

}  // namespace

TEST_SUITE("cli") {

TEST_CASE("parse_byte_size: plain numbers are bytes") {
  CHECK(parse_byte_size("0") == std::optional<std::size_t>{0});
  CHECK(parse_byte_size("1") == std::optional<std::size_t>{1});
  CHECK(parse_byte_size("4096") == std::optional<std::size_t>{4096});
  CHECK(parse_byte_size("4194304") == std::optional<std::size_t>{4 * MiB});
  CHECK(parse_byte_size("007") == std::optional<std::size_t>{7});
  CHECK(parse_byte_size("18446744073709551615") == std::optional<std::size_t>{max_size});
}

TEST_CASE("parse_byte_size: K M and G are powers of 1024") {
  CHECK(parse_byte_size("512K") == std::optional<std::size_t>{512 * KiB});
  CHECK(parse_byte_size("4M") == std::optional<std::size_t>{4 * MiB});
  CHECK(parse_byte_size("1G") == std::optional<std::size_t>{GiB});
  CHECK(parse_byte_size("0K") == std::optional<std::size_t>{0});
  CHECK(parse_byte_size("1025K") == std::optional<std::size_t>{1025 * KiB});
}

TEST_CASE("parse_byte_size: lowercase suffixes are accepted") {
  CHECK(parse_byte_size("512k") == std::optional<std::size_t>{512 * KiB});
  CHECK(parse_byte_size("4m") == std::optional<std::size_t>{4 * MiB});
  CHECK(parse_byte_size("1g") == std::optional<std::size_t>{GiB});
}

TEST_CASE("parse_byte_size: anything but digits and one suffix is refused") {
  for (const char* text : {"", "K", "M", "4X", "-1", "+1", "4MB", "4KB", "4KiB", "4 M", " 4", "4 ",
                           "4.5M", "0x10", "M4", "4MM", "four", "4T", "4b"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_byte_size(text).has_value());
  }
}

TEST_CASE("parse_byte_size: a count that does not fit in size_t is refused") {
  CHECK_FALSE(parse_byte_size("99999999999999999999G").has_value());
  CHECK_FALSE(parse_byte_size("99999999999999999999").has_value());
  CHECK_FALSE(parse_byte_size("18446744073709551616").has_value());  // 2^64
  // The largest counts that fit with each suffix, and one more.
  CHECK(parse_byte_size("17179869183G") == std::optional<std::size_t>{(max_size >> 30) << 30});
  CHECK_FALSE(parse_byte_size("17179869184G").has_value());  // 2^34 GiB = 2^64
  CHECK(parse_byte_size("17592186044415M") == std::optional<std::size_t>{(max_size >> 20) << 20});
  CHECK_FALSE(parse_byte_size("17592186044416M").has_value());
  CHECK(parse_byte_size("18014398509481983K") == std::optional<std::size_t>{(max_size >> 10) << 10});
  CHECK_FALSE(parse_byte_size("18014398509481984K").has_value());
}

TEST_CASE("format_byte_size: the largest whole unit or bytes") {
  CHECK(format_byte_size(0) == "0");
  CHECK(format_byte_size(1) == "1");
  CHECK(format_byte_size(1023) == "1023");
  CHECK(format_byte_size(KiB) == "1K");
  CHECK(format_byte_size(1536) == "1536");
  CHECK(format_byte_size(512 * KiB) == "512K");
  CHECK(format_byte_size(1025 * KiB) == "1025K");
  CHECK(format_byte_size(MiB) == "1M");
  CHECK(format_byte_size(4 * MiB) == "4M");
  CHECK(format_byte_size(16 * MiB) == "16M");
  CHECK(format_byte_size(GiB) == "1G");
  CHECK(format_byte_size(1024 * GiB) == "1024G");
  CHECK(format_byte_size(max_size) == "18446744073709551615");
}

TEST_CASE("format_byte_size and parse_byte_size round trip") {
  for (std::size_t bytes : {std::size_t{0}, std::size_t{1}, std::size_t{4096}, std::size_t{1536},
                            512 * KiB, 1025 * KiB, 4 * MiB, 3 * GiB, 1024 * GiB + MiB,
                            (max_size >> 30) << 30, max_size}) {
    CAPTURE(bytes);
    CHECK(parse_byte_size(format_byte_size(bytes)) == std::optional<std::size_t>{bytes});
  }
  for (const char* text : {"0", "1023", "1K", "512K", "4M", "1G", "1024G"}) {
    CAPTURE(text);
    const auto bytes = parse_byte_size(text);
    REQUIRE(bytes.has_value());
    CHECK(format_byte_size(*bytes) == text);
  }
}

TEST_CASE("byte_size: a program option gives the bytes of its value") {
  CHECK(parse_limit({"--limit", "512K"}) == 512 * KiB);
  CHECK(parse_limit({"--limit=1G"}) == GiB);
  CHECK(parse_limit({"--limit", "4096"}) == 4096);
  CHECK(parse_limit({"--limit", "2m"}) == 2 * MiB);
  CHECK(parse_limit({}) == 4 * MiB);  // the default
}

TEST_CASE("byte_size: a config file value gives the bytes too") {
  CHECK(parse_config_limit("limit = 8M\n") == 8 * MiB);
  CHECK(parse_config_limit("limit=100\n") == 100);
}

TEST_CASE("byte_size: a bad option value throws invalid_option_value") {
  for (const char* text : {"4X", "4MB", "-1", "99999999999999999999G", "K"}) {
    CAPTURE(text);
    CHECK_THROWS_AS(parse_limit({std::string("--limit=") + text}), po::invalid_option_value);
  }
  CHECK_THROWS_AS(parse_config_limit("limit = lots\n"), po::invalid_option_value);
}

TEST_CASE("byte_size: the error names the option and the bad value") {
  try {
    parse_limit({"--limit", "4X"});
    FAIL("no exception");
  } catch (const po::invalid_option_value& e) {
    const std::string what = e.what();
    CAPTURE(what);
    CHECK(what.find("limit") != std::string::npos);
    CHECK(what.find("4X") != std::string::npos);
  }
}

TEST_CASE("byte_size: the option may be given only once") {
  CHECK_THROWS_AS(parse_limit({"--limit", "1K", "--limit", "2K"}), po::multiple_occurrences);
}

TEST_CASE("byte_size: --help shows the default in units") {
  std::ostringstream help;
  help << byte_options();
  CAPTURE(help.str());
  CHECK(help.str().find("--limit BYTES (=4M)") != std::string::npos);
}

}  // TEST_SUITE
