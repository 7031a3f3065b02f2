#pragma once
// What `imchat display --since` takes: a time, in ISO 8601 ("2026-12-03", "2026-12-03T14:30",
// "2026-12-03 14:30:15", with "Z" or an offset such as "+01:00" for another zone than the
// local one), or a duration back from now ("90s", "15m", "2h", "1h30m", "3d", "1w").

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

namespace imchat::chat {

// The time `text` means, taking durations back from `now`; or what is wrong with it, in words.
std::variant<std::chrono::system_clock::time_point, std::string> parse_since(
    std::string_view text, std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace imchat::chat
