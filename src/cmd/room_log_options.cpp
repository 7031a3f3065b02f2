#include "cmd/room_log_options.hpp"

#include "chat/room_name.hpp"
#include "cmd/byte_size.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

namespace imchat::cmd {

namespace {

std::optional<std::string> environment(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

// Where the log of `room` goes when --state-dir does not say; nullopt if nowhere is known.
std::optional<std::filesystem::path> default_directory(std::string_view room) {
  if (auto systemd = environment("STATE_DIRECTORY")) {
    // Its first entry, when the unit names several. (A loop: GCC 12 warns falsely about
    // find() here.)
    std::string first;
    for (const char c : *systemd) {
      if (c == ':') break;
      first += c;
    }
    return first;
  }
  const auto rooms = std::filesystem::path("imchat") / "rooms" / chat::file_name_for(room);
  if (auto xdg = environment("XDG_STATE_HOME"); xdg && xdg->starts_with('/')) return std::filesystem::path(*xdg) / rooms;
  if (auto home = environment("HOME"); home && home->starts_with('/'))
    return std::filesystem::path(*home) / ".local" / "state" / rooms;
  return std::nullopt;
}

}  // namespace

void add_room_log_options(cli_spec& spec) {
  spec.options.add_options()
      ("state-dir", po::value<std::string>()->value_name("DIR"),
       "where the room keeps its log (default: $STATE_DIRECTORY under systemd, else "
       "$XDG_STATE_HOME/imchat/rooms/NAME, else ~/.local/state/imchat/rooms/NAME)")
      ("memory-only", "keep no log: what the room accepted is lost when it stops or crashes")
      ("fsync", po::value<std::string>()->default_value("second")->value_name("WHEN"),
       "when the log reaches the disk: 'always' (before each batch is acknowledged: survives "
       "a power loss), 'second' (once a second) or 'never' (when the OS gets to it); a room "
       "killed at any moment loses nothing it acknowledged under any of them")
      ("retain-messages", po::value<std::uint64_t>()->default_value(0)->value_name("N"),
       "the log keeps at most the latest N messages (0: no limit)")
      ("retain-bytes", po::value<byte_size>()->default_value(byte_size{std::size_t{1} << 30})->value_name("BYTES"),
       "the log keeps at most this much of the latest messages (0: no limit)")
      ("retain-days", po::value<double>()->default_value(0)->value_name("DAYS"),
       "the log drops messages older than this (0: no limit)");
}

std::optional<std::string> room_log_settings_from(const po::variables_map& vm, std::string_view room,
                                                  room_log_settings& settings) {
  const bool memory_only = vm.count("memory-only") != 0;
  const auto fsync = vm["fsync"].as<std::string>();
  if (fsync == "always") settings.fsync = store::fsync_policy::always;
  else if (fsync == "second") settings.fsync = store::fsync_policy::second;
  else if (fsync == "never") settings.fsync = store::fsync_policy::never;
  else return fmt::format("--fsync must be 'always', 'second' or 'never', not '{}'", fsync);
  const double days = vm["retain-days"].as<double>();
  if (!(days >= 0) || days > 100 * 365) return "--retain-days must be 0 (no limit) to 36500";
  settings.keep = {.max_messages = vm["retain-messages"].as<std::uint64_t>(),
                   .max_bytes = vm["retain-bytes"].as<byte_size>().bytes,
                   .max_age = std::chrono::seconds(static_cast<std::int64_t>(std::ceil(days * 86400)))};
  if (memory_only) {
    if (vm.count("state-dir")) return "--memory-only keeps no log: it does not go with --state-dir";
    settings.directory.reset();
    return std::nullopt;
  }
  if (vm.count("state-dir")) {
    const auto given = vm["state-dir"].as<std::string>();
    if (given.empty()) return "--state-dir cannot be empty";
    settings.directory = std::filesystem::absolute(given);
    return std::nullopt;
  }
  settings.directory = default_directory(room);
  if (!settings.directory)
    return "no place for the room's log: neither STATE_DIRECTORY, XDG_STATE_HOME nor HOME is set; "
           "give --state-dir DIR, or --memory-only";
  return std::nullopt;
}

}  // namespace imchat::cmd
