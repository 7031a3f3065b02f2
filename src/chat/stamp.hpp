#pragma once
// The chatroom's business logic (the tutorial's "Adding the business logic"): each
// message goes out with the time the room processed it in front of it.

#include "kernel/message.hpp"

#include <ctime>

namespace imchat::chat {

// `in` with timestamp_prefix(now) in front: "Thu Nov 26 22:38:56 2026 kofi: hello".
message stamped(const message& in, std::time_t now = std::time(nullptr));

}  // namespace imchat::chat
