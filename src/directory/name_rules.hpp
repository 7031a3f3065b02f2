#pragma once
// The rules for text that the directory stores and shows to other users (names, and the
// endpoints beside them): 1 to max_size bytes of well-formed UTF-8 without control
// characters (docs/wire-protocol.md §5). A checker that says where the text breaks the
// rules, so that a refusal can explain itself, and a describer for that explanation.

#include <cstddef>
#include <string>
#include <string_view>

namespace imchat::directory {

enum class text_fault {
  none,
  empty,
  too_long,
  malformed_utf8,     // includes overlong encodings, surrogates and code points past U+10FFFF
  control_character,  // C0 (U+0000..U+001F), DEL (U+007F) or C1 (U+0080..U+009F)
};

struct text_check {
  text_fault fault = text_fault::none;
  std::size_t offset = 0;   // byte where a malformed sequence or control character starts
  char32_t code_point = 0;  // the control character found
};

text_check check_text(std::string_view text, std::size_t max_size) noexcept;

// The fault as a predicate to follow a subject ("name " + ...): "is empty", "is 1025 bytes,
// over the 1024-byte limit", "is not valid UTF-8 (at byte 3)", "contains control character
// U+0007 at byte 3". Never quotes the offending bytes, which could garble a terminal or log.
std::string describe(const text_check& check, std::size_t size, std::size_t max_size);

}  // namespace imchat::directory
