// libFuzzer target for the parsers and the escaper of text that comes from users and
// peers: endpoints, directory addresses, interface specs (parsing only: resolving asks
// the host), the directory's name rules, room names and the names made from them, byte
// sizes, config files, and printable_text, whose output must never hold a character that
// controls a terminal or hides text. Every input goes to every parser. Built and run by
// run-fuzzer.sh; the corpus (text-corpus/) is replayed by ctest (fuzz_corpus.text_fuzzer).

#include "chat/room_name.hpp"
#include "cmd/byte_size.hpp"
#include "cmd/config_file.hpp"
#include "directory/directory_address.hpp"
#include "directory/name_rules.hpp"
#include "directory/registry.hpp"
#include "net/endpoint.hpp"
#include "net/interface_spec.hpp"
#include "util/printable_text.hpp"
#include "util/utf8.hpp"

#include <boost/program_options.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "text invariant violated: %s\n", what);
  std::abort();
}

void check_printable(std::string_view text) {
  const auto shown = imchat::printable_text(text);
  for (std::size_t at = 0; at < shown.size();) {
    char32_t code_point = 0;
    const auto length = imchat::utf8::decode(shown, at, code_point);
    if (length == 0) broken("printable_text wrote malformed UTF-8");
    if (imchat::hides_or_controls(code_point)) broken("printable_text let a control or format character through");
    at += length;
  }
  const auto cut = imchat::printable_text(text, 16);
  if (text.size() > 16 && !cut.ends_with("...")) broken("a cut printable_text does not say so");
}

// The byte-size grammar written out (digits, then nothing, K, M or G in either case, in
// powers of 1024), with the value computed without overflow: parse_byte_size must agree.
std::optional<std::size_t> expected_byte_size(std::string_view text) {
  std::size_t digits = 0;
  std::size_t value = 0;
  bool overflow = false;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    overflow |= __builtin_mul_overflow(value, std::size_t{10}, &value);
    overflow |= __builtin_add_overflow(value, static_cast<std::size_t>(text[digits] - '0'), &value);
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  const auto unit = text.substr(digits);
  unsigned shift = 0;
  if (unit == "K" || unit == "k") shift = 10;
  else if (unit == "M" || unit == "m") shift = 20;
  else if (unit == "G" || unit == "g") shift = 30;
  else if (!unit.empty()) return std::nullopt;
  overflow |= __builtin_mul_overflow(value, std::size_t{1} << shift, &value);
  if (overflow) return std::nullopt;
  return value;
}

void check_byte_size(std::string_view text) {
  constexpr std::size_t untouched = 12345;
  std::size_t bytes = untouched;
  const auto problem = imchat::cmd::parse_byte_size(text, bytes);
  const auto expected = expected_byte_size(text);
  if (problem) {
    if (expected) broken("parse_byte_size refused a byte size the grammar allows");
    if (problem->empty()) broken("a refused byte size gave no reason");
    if (bytes != untouched) broken("a refused byte size changed its output");
    return;
  }
  if (!expected) broken("parse_byte_size accepted what the grammar refuses");
  if (bytes != *expected) broken("parse_byte_size got another value than the grammar's");
  // What --help prints for a value must read back as that value, and be its own normal
  // form: an exact multiple of a unit is shown with the largest one.
  const auto shown = imchat::cmd::format_byte_size(bytes);
  std::size_t again = 0;
  if (imchat::cmd::parse_byte_size(shown, again) || again != bytes) broken("format_byte_size does not read back");
  if (imchat::cmd::format_byte_size(again) != shown) broken("format_byte_size is not stable");
  // Written without leading zeros, in the unit format_byte_size picks (the largest that
  // divides it, upper case), the text is what it prints back.
  const bool leading_zero = text.size() > 1 && text.front() == '0';
  const char last = text.back();
  const bool in_its_unit = last >= '0' && last <= '9' ? shown.back() >= '0' && shown.back() <= '9'
                                                      : shown.back() == last;
  if (!leading_zero && in_its_unit && shown != text) broken("a byte size does not format back as written");
}

void check_room_name(std::string_view name) {
  const auto problem = imchat::chat::room_name_problem(name);
  const bool allowed = !name.empty() && name.size() <= imchat::chat::max_room_name_size &&
                       imchat::directory::check_text(name, imchat::chat::max_room_name_size).fault ==
                           imchat::directory::text_fault::none;
  if (problem.has_value() == allowed) broken("room_name_problem disagrees with the name rules");
  if (problem) {
    if (problem->empty()) broken("a refused room name gave no reason");
    return;
  }
  // The room's global objects must be names the directory accepts.
  const auto max_name = imchat::directory::registry_limits{}.max_name_size;
  for (const auto& object : {imchat::chat::queue_name(name), imchat::chat::exchange_name(name)}) {
    if (!imchat::directory::is_valid_name(object, max_name)) broken("a room's object name is refused by the directory");
    if (object.size() != name.size() + 2 || !object.ends_with(name)) broken("a room's object name is not the whole name");
  }
  if (imchat::chat::queue_name(name) == imchat::chat::exchange_name(name)) broken("a room's queue and exchange share a name");
}

// The options a config file is read against: one of each kind of value the daemons take.
const boost::program_options::options_description& config_options() {
  namespace po = boost::program_options;
  static const auto options = [] {
    po::options_description all("Options");
    all.add_options()("help", "help")("config", po::value<std::string>(), "config")(
        "optional-config", po::value<std::string>(), "optional config")(
        "max-frame", po::value<imchat::cmd::byte_size>(), "a byte size")(
        "peer-timeout", po::value<double>(), "seconds")("workers", po::value<unsigned>(), "a count")(
        "history", po::value<std::uint32_t>(), "a count")("listen", po::value<std::vector<std::string>>(),
                                                              "addresses")(
        "embedded-directory", po::bool_switch(), "a switch")("log.level", po::value<std::string>(), "a section key")(
        "room", po::value<std::string>(), "a name");
    return all;
  }();
  return options;
}

void check_config_file(std::string_view text) {
  namespace po = boost::program_options;
  const std::string name = "fuzz.conf";
  std::size_t lines = 1;
  for (const char c : text) lines += c == '\n';

  // A value from the command line is there first and must stay.
  po::variables_map vm;
  po::store(po::command_line_parser(std::vector<std::string>{"--room=from the command line"})
                .options(config_options())
                .run(),
            vm);
  std::istringstream in{std::string(text)};
  std::optional<std::string> problem;
  try {
    problem = imchat::cmd::read_config_file(in, name, config_options(), vm);
  } catch (...) {
    broken("read_config_file threw");
  }
  if (vm["room"].as<std::string>() != "from the command line") broken("a config file overrode the command line");
  if (problem) {
    // "fuzz.conf:LINE: what", with a line the text has.
    if (!problem->starts_with(name + ":")) broken("a config file error does not name the file");
    const auto number = std::strtoul(problem->c_str() + name.size() + 1, nullptr, 10);
    if (number == 0 || number > lines) broken("a config file error names a line the file does not have");
    return;
  }
  for (const auto& [key, value] : vm)
    if (key == "help" || key == "config" || key == "optional-config") broken("a config file set a forbidden key");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_printable(text);

  std::string why;
  imchat::net::host_and_port endpoint{"untouched", 7};
  if (imchat::net::parse_endpoint(text, endpoint, why)) {
    if (endpoint != imchat::net::host_and_port{"untouched", 7}) broken("a refused endpoint changed its output");
    if (why.empty()) broken("a refused endpoint gave no reason");
  } else if (endpoint.port == 0 || endpoint.host.empty()) {
    broken("an accepted endpoint has no host or port");
  }
  imchat::directory::parse_directory_address(text, endpoint, why);

  imchat::net::interface_spec spec;
  if (imchat::net::parse_interface_spec(text, spec, why) && why.empty()) broken("a refused spec gave no reason");

  const auto check = imchat::directory::check_text(text, 1024);
  const auto description = imchat::directory::describe(check, text.size(), 1024);
  if (description.empty()) broken("a name check without a description");

  check_byte_size(text);
  check_room_name(text);
  check_config_file(text);
  return 0;
}
