#pragma once
// The room's timestamp prefix, as the tutorial makes it: ctime() with its newline turned
// into a space, e.g. "Thu Nov 26 22:38:56 2026 ".

#include <ctime>
#include <string>

namespace imchat::chat {

// The text lives in this thread's cache: valid until the thread's next call.
const std::string& timestamp_prefix(std::time_t when);

}  // namespace imchat::chat
