#pragma once
// One UTF-8 decoder for every check and escaper of text that came from the network.

#include <cstddef>
#include <string_view>

namespace imchat::utf8 {

// Decodes the sequence starting at text[at] into `code_point` and returns its length, or
// 0 when it is malformed: a stray continuation byte, a lead byte that can only start an
// overlong (C0, C1) or out-of-range (F5..FF) sequence, a missing continuation byte, an
// overlong encoding, a UTF-16 surrogate, or a code point past U+10FFFF.
std::size_t decode(std::string_view text, std::size_t at, char32_t& code_point) noexcept;

}  // namespace imchat::utf8
