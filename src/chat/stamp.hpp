#pragma once
// The chatroom's business logic (the tutorial's "Adding the business logic"): each
// message goes out with the time the room processed it in front of it.

#include "kernel/message.hpp"

#include <cstddef>
#include <ctime>

namespace imchat::chat {

// `in` with timestamp_prefix(now) in front: "Thu Nov 26 22:38:56 2026 kofi: hello".
message stamped(const message& in, std::time_t now = std::time(nullptr));

// The most a stamp adds: ctime's 25 bytes, with room for a longer year.
inline constexpr std::size_t max_stamp_size = 32;

// The longest message a room can still stamp and relay, for a kernel whose messages are
// at most `max_message_size` bytes: what a prompt may send.
constexpr std::size_t longest_relayable(std::size_t max_message_size) {
  return max_message_size > max_stamp_size ? max_message_size - max_stamp_size : 0;
}

}  // namespace imchat::chat
