#pragma once
// What a display prints for a message: message bytes must never drive the terminal, so
// the text goes through the one escaper for untrusted text (util/printable_text.hpp).
// One trailing newline (and a trailing NUL, which the tutorial's prompt sent) is dropped
// first, since the display ends every line itself.

#include <string>
#include <string_view>

namespace imchat::chat {

std::string terminal_safe(std::string_view text);

}  // namespace imchat::chat
