#pragma once
// `imchat room --embedded-directory`: the room serves the directory too, so that one box
// needs no separate `imchat server`. If something already serves the directory's port
// (another room started the same way, or a server), the room uses that directory
// instead; a second room of the same name is then refused by the directory, as anywhere.

#include "directory/directory_thread.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

namespace imchat::chat {

// The directory served on `address`'s port, on every interface; null when the port is
// taken already (logged). Throws std::system_error for a malformed address or any other
// failure to listen.
// With a key, only its holders get in.
std::unique_ptr<directory::directory_thread> serve_directory(std::string_view address,
                                                           std::chrono::milliseconds peer_timeout,
                                                           const std::optional<secret_key>& key = std::nullopt);

}  // namespace imchat::chat
