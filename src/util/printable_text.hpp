#pragma once
// The one escaper for text that someone else sent: what a display prints, what a log
// line quotes, what the directory quotes back in a refusal. Whoever sent it, the result
// cannot drive a terminal, forge a log line, or hide, reorder or fake what is around it.
//
// Well-formed UTF-8 passes through, ordinary text and emoji as they are, except what is
// written as an escape: control characters (C0 including TAB and newline, DEL, C1) and
// each byte of malformed UTF-8 as \xNN; the characters that reorder or hide text (bidi
// marks, embeddings, overrides and isolates, the Arabic letter mark, zero-width and
// invisible characters, line and paragraph separators, the BOM) as \uNNNN. A zero-width
// joiner passes only inside an emoji sequence (between two pictographs), where it is
// what joins them. A backslash that would read as the start of an escape is doubled, so
// the result reads back unambiguously.

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>

namespace imchat {

inline constexpr std::size_t whole_text = std::numeric_limits<std::size_t>::max();

// At most `max_input` bytes of `text` are shown, then "..." if there was more.
std::string printable_text(std::string_view text, std::size_t max_input = whole_text);
std::string printable_text(std::span<const std::byte> bytes, std::size_t max_input = whole_text);

// Whether printable_text writes `code_point` as an escape (the joiner aside).
bool hides_or_controls(char32_t code_point) noexcept;

}  // namespace imchat
