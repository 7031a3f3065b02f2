#pragma once
// Makes a message safe to print on a terminal: message bytes must never drive it.
// Control characters (C0 but TAB, DEL, C1) are shown escaped (\x1b, \u009b), Unicode
// bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) likewise, and
// invalid UTF-8 becomes U+FFFD. One trailing newline (and a trailing NUL, which the
// tutorial's prompt sent) is dropped, since the display ends every line itself.

#include <string>
#include <string_view>

namespace imchat::chat {

std::string terminal_safe(std::string_view text);

}  // namespace imchat::chat
