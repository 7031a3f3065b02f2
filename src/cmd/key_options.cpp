#include "cmd/key_options.hpp"

#include "directory/locator.hpp"
#include "net/tls_error.hpp"
#include "wire/error.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace imchat::cmd {

namespace {
// --directory-key-file's word for a directory that has no key, where --key-file gives one.
constexpr std::string_view no_key = "none";
}  // namespace

void add_key_options(cli_spec& spec, std::string_view whose, bool directory_key) {
  spec.options.add_options()
      ("key-file", po::value<std::string>()->value_name("FILE"),
       fmt::format("{} key, made by 'imchat keygen' (mode 0600): connections are then TLS 1.3 "
                   "authenticated by it, and only its holders get in",
                   whose)
           .c_str());
  if (directory_key)
    spec.options.add_options()
        ("directory-key-file", po::value<std::string>()->value_name("FILE"),
         "the directory's key (default: --key-file's; 'none' for a directory without a key)");
}

std::optional<std::string> credential(std::string_view id) {
  const char* directory = std::getenv("CREDENTIALS_DIRECTORY");
  if (!directory || !*directory) return std::nullopt;
  auto path = std::filesystem::path(directory) / id;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  return path.string();
}

key_set keys_from(const po::variables_map& vm) {
  key_set keys;
  if (vm.count("key-file"))
    keys.own = read_key_file(vm["key-file"].as<std::string>());
  else if (const auto path = credential("key"))
    keys.own = read_key_file(*path);
  if (vm.count("directory-key-file")) {
    if (const auto& path = vm["directory-key-file"].as<std::string>(); path != no_key)
      keys.directory = read_key_file(path);
  } else if (const auto path = credential("directory-key")) {
    keys.directory = read_key_file(*path);
  } else {
    keys.directory = keys.own;
  }
  return keys;
}

std::string key_failure_text(std::error_code ec, std::string_view subject, std::string_view possessive,
                             std::string_view option, std::string_view detail) {
  if (ec == wire::error::key_required) return fmt::format("{} needs a key: {}", subject, option);
  if (ec == net::tls_error::key_mismatch)
    return fmt::format("the key does not match {} ({} has another key): check {}", possessive, subject, option);
  if (ec == net::tls_error::peer_without_key)
    return fmt::format("{} has no key (it answered without TLS), and this side has one ({}): give it the same "
                       "key, or leave the key out here",
                       subject, option);
  if (ec == net::tls_error::peer_with_key) return fmt::format("{} has a key, and this side none: {}", subject, option);
  return fmt::format("cannot talk to {} securely: {}{}{}", subject, ec.message(), detail.empty() ? "" : ": ", detail);
}

void rethrow_with_key_advice(const std::system_error& e, const directory::locator& locator, std::string_view room) {
  if (!net::is_key_error(e.code())) throw e;
  if (const auto failure = locator.failure())
    throw std::runtime_error(key_failure_text(failure->code(), fmt::format("the directory at {}", locator.directory()),
                                              "the directory's", "--directory-key-file (default: --key-file)"));
  throw std::runtime_error(
      key_failure_text(e.code(), fmt::format("the room '{}'", room), "the room's", "--key-file", e.what()));
}

}  // namespace imchat::cmd
