#pragma once
// What the display prints for a gap notice: the tutorial's line, and how many messages
// were lost when the kernel knows (the room's history no longer held them); without a
// count (the room restarted), the line alone.

#include <cstdint>
#include <string>

namespace imchat::chat {

// "Problems connecting to the chatroom... (3 messages lost)\n"
std::string gap_line(std::uint64_t lost);

}  // namespace imchat::chat
