#pragma once
// Text as a terminal lays it out: code points, each taking 0, 1 or 2 cells (a combining
// mark none, a CJK ideograph or an emoji two), cut into rows of a given width. The chat
// client measures and wraps everything it draws here, so what it computes is what the
// terminal shows. Widths come from the C library's wcwidth() for the locale's LC_CTYPE,
// which the client sets to UTF-8 (terminal_screen.cpp).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::tui {

// UTF-8 to code points; a malformed byte becomes U+FFFD (text that reaches the screen has
// been through printable_text, so this is for the program's own strings).
std::u32string decode_utf8(std::string_view text);
std::string encode_utf8(std::u32string_view text);

// The cells `code_point` takes: 0 (a combining mark, a joiner), 1 or 2. Anything the
// C library calls unprintable counts as 1: it never reaches the screen unescaped.
int cell_width(char32_t code_point) noexcept;
int cell_width(std::u32string_view text) noexcept;

// `text` cut into rows of at most `width` cells (at least 1), at character boundaries: a
// wide character that does not fit at the end of a row starts the next, and a zero-width
// one stays with the character before it. An empty text is one empty row.
std::vector<std::u32string> wrap(std::u32string_view text, int width);

// The longest start of `text` that fits in `width` cells.
std::u32string_view fit(std::u32string_view text, int width) noexcept;

}  // namespace imchat::tui
