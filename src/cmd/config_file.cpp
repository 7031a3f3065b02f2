#include "cmd/config_file.hpp"

#include "cmd/option_error_text.hpp"

#include <fstream>

namespace imchat::cmd {

namespace po = boost::program_options;

namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

bool is_true(const std::string& value) { return value.empty() || value == "true" || value == "yes" || value == "1"; }
bool is_false(const std::string& value) { return value == "false" || value == "no" || value == "0"; }

}  // namespace

std::optional<std::string> read_config_file(const std::string& path, const po::options_description& allowed,
                                            po::variables_map& vm) {
  std::ifstream file(path);
  if (!file) return path + ": cannot read the configuration file";
  return read_config_file(file, path, allowed, vm);
}

std::optional<std::string> read_config_file(std::istream& in, const std::string& name,
                                            const po::options_description& allowed, po::variables_map& vm) {
  std::string section, line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = name + ":" + std::to_string(number) + ": ";
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    if (line.front() == '[') {
      if (line.back() != ']') return where + "a section header needs a closing ']'";
      section = trim(line.substr(1, line.size() - 2));
      if (!section.empty()) section += '.';
      continue;
    }
    const auto equals = line.find('=');
    if (equals == std::string::npos) return where + "expected 'key = value'";
    const std::string bare_key = trim(line.substr(0, equals));
    // program_options takes an empty name for a prefix of every option ("ambiguous"),
    // and would throw rather than say which line.
    if (bare_key.empty()) return where + "expected 'key = value', not a value without a key";
    const std::string key = section + bare_key;
    const std::string value = trim(line.substr(equals + 1));
    const po::option_description* option = nullptr;
    try {
      option = allowed.find_nothrow(key, false);
    } catch (const po::error& e) {
      return where + e.what();
    }
    if (!option || key == "help" || key == "config" || key == "optional-config") return where + "unknown key '" + key + "'";

    po::parsed_options parsed(&allowed);
    po::option entry;
    entry.string_key = key;
    if (option->semantic()->max_tokens() == 0) {
      // A switch such as embedded-directory: "key", "key = true" or "key = false".
      if (is_false(value)) continue;
      if (!is_true(value)) return where + "'" + key + "' is a switch: use true or false, not '" + value + "'";
    } else {
      entry.value.push_back(value);
    }
    entry.original_tokens = {key, value};
    parsed.options.push_back(entry);
    try {
      po::store(parsed, vm);
    } catch (po::error_with_option_name& e) {
      return where + option_error_text(e, value);
    } catch (const po::error& e) {
      return where + e.what();
    }
  }
  return std::nullopt;
}

}  // namespace imchat::cmd
