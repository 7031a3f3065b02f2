#pragma once
// Chatroom names and the global objects a room is made of (the tutorial's Q_<room> and
// E_<room>). The whole name is used: the original cut names at 13 characters, we don't.

#include <optional>
#include <string>
#include <string_view>

namespace imchat::chat {

inline constexpr std::size_t max_room_name_size = 200;

// Why `name` cannot name a room (empty, over 200 bytes, not UTF-8, control characters),
// or nullopt when it can.
std::optional<std::string> room_name_problem(std::string_view name);

// Why `user` cannot be the name shown before a user's lines (empty, or not on one line),
// or nullopt when it can.
std::optional<std::string> user_name_problem(std::string_view user);

// `name` as one file name: letters, digits, '-', '_' and (not first) '.' as they are,
// every other byte as %XX, so that "a/b", ".." or "café" name a directory of their own
// and no two room names share one; a name whose escaped form is over 200 bytes is cut
// there and ends in '~' and a hash of the whole name.
std::string file_name_for(std::string_view name);

inline std::string queue_name(std::string_view room) { return "Q_" + std::string(room); }
inline std::string exchange_name(std::string_view room) { return "E_" + std::string(room); }

}  // namespace imchat::chat
