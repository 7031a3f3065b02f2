#pragma once
// The options of a room's log: where it is (--state-dir, or systemd's and the XDG
// places), whether there is one at all (--memory-only), when it reaches the disk
// (--fsync) and what it keeps (--retain-messages, --retain-bytes, --retain-days).

#include "cmd/cli.hpp"
#include "store/room_log.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace imchat::cmd {

struct room_log_settings {
  std::optional<std::filesystem::path> directory;  // none: --memory-only
  store::fsync_policy fsync = store::fsync_policy::second;
  store::retention keep{};
};

void add_room_log_options(cli_spec& spec);

// The settings for room `room`; or what is wrong, for usage_error. The directory, unless
// --state-dir gives it: $STATE_DIRECTORY (systemd's StateDirectory=, its first entry),
// else $XDG_STATE_HOME/imchat/rooms/NAME, else ~/.local/state/imchat/rooms/NAME, with
// the room's name escaped for a file name.
std::optional<std::string> room_log_settings_from(const po::variables_map& vm, std::string_view room,
                                                  room_log_settings& settings);

}  // namespace imchat::cmd
