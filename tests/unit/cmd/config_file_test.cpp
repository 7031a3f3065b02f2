// --config FILE: read_config_file on a stream (what the path version and the text fuzzer
// use) and on a path.

#include "cmd/byte_size.hpp"
#include "cmd/config_file.hpp"

#include <boost/program_options.hpp>
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace po = boost::program_options;

namespace {

po::options_description config_options() {
  po::options_description options("Options");
  options.add_options()("limit", po::value<imchat::cmd::byte_size>(), "a byte count")(
      "room", po::value<std::string>(), "a name")("log.level", po::value<std::string>(), "in a section")(
      "embedded-directory", po::bool_switch(), "a switch")("config", po::value<std::string>(), "the file");
  return options;
}

std::optional<std::string> read_text(const std::string& text, po::variables_map& vm) {
  std::istringstream in(text);
  return imchat::cmd::read_config_file(in, "test.conf", config_options(), vm);
}

}  // namespace

TEST_CASE("a config file read from a stream stores its values") {
  po::variables_map vm;
  const auto problem = read_text("# a comment\nlimit = 4M\n\n[log]\nlevel = debug  # trailing\n[]\nembedded-directory =\n", vm);
  REQUIRE_FALSE(problem);
  CHECK(vm["limit"].as<imchat::cmd::byte_size>().bytes == 4u << 20);
  CHECK(vm["log.level"].as<std::string>() == "debug");
  CHECK(vm["embedded-directory"].as<bool>());
}

TEST_CASE("a config file's errors name the stream's name and the line") {
  po::variables_map vm;
  CHECK(read_text("room = a\nno equals sign\n", vm) == "test.conf:2: expected 'key = value'");
  po::variables_map other;
  CHECK(read_text("\n\nnope = 1\n", other) == "test.conf:3: unknown key 'nope'");
  po::variables_map third;
  CHECK(read_text("[log\n", third) == "test.conf:1: a section header needs a closing ']'");
  po::variables_map fourth;
  CHECK(read_text("config = other.conf\n", fourth) == "test.conf:1: unknown key 'config'");
  po::variables_map fifth;
  CHECK(read_text("embedded-directory = maybe\n", fifth) ==
        "test.conf:1: 'embedded-directory' is a switch: use true or false, not 'maybe'");
  po::variables_map without_key;
  CHECK(read_text("\n= value\n", without_key) == "test.conf:2: expected 'key = value', not a value without a key");
  po::variables_map sectioned;
  CHECK(read_text("[log]\n = debug\n", sectioned) == "test.conf:2: expected 'key = value', not a value without a key");
  po::variables_map placeholder;
  CHECK(read_text("limit = %value%x\n", placeholder) ==
        "test.conf:1: the argument ('%25value%25x') for option 'limit' is invalid");
  po::variables_map sixth;
  CHECK(read_text("limit = 4X\n", sixth).value_or("").starts_with("test.conf:1: "));
}

TEST_CASE("the command line wins over a config file") {
  po::variables_map vm;
  po::store(po::command_line_parser(std::vector<std::string>{"--room=cli"}).options(config_options()).run(), vm);
  REQUIRE_FALSE(read_text("room = file\n", vm));
  CHECK(vm["room"].as<std::string>() == "cli");
}

TEST_CASE("a config file read from a path names the path") {
  const auto path = std::filesystem::temp_directory_path() / "imchat-config-file-test.conf";
  {
    std::ofstream out(path);
    out << "room = lobby\nbad line\n";
  }
  po::variables_map vm;
  CHECK(imchat::cmd::read_config_file(path.string(), config_options(), vm) == path.string() + ":2: expected 'key = value'");
  CHECK(vm["room"].as<std::string>() == "lobby");
  std::filesystem::remove(path);
  CHECK(imchat::cmd::read_config_file(path.string(), config_options(), vm) ==
        path.string() + ": cannot read the configuration file");
}
