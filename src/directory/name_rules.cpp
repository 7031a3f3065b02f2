#include "directory/name_rules.hpp"

#include <cstdio>

namespace imchat::directory {
namespace {

// Decodes the UTF-8 sequence starting at text[at] into `code_point` and returns its length,
// or 0 when the sequence is malformed: a stray continuation byte, a lead byte that can only
// start an overlong (C0, C1) or out-of-range (F5..FF) sequence, a missing continuation byte,
// an overlong encoding, a UTF-16 surrogate, or a code point past U+10FFFF.
std::size_t decode_utf8(std::string_view text, std::size_t at, char32_t& code_point) noexcept {
  const auto byte_at = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned lead = byte_at(at);
  std::size_t length = 0;
  if (lead < 0x80) {
    code_point = static_cast<char32_t>(lead);
    return 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = static_cast<char32_t>(lead & 0x1Fu);
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = static_cast<char32_t>(lead & 0x0Fu);
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = static_cast<char32_t>(lead & 0x07u);
  } else {
    return 0;
  }
  if (text.size() - at < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned continuation = byte_at(at + i);
    if ((continuation & 0xC0u) != 0x80u) return 0;
    code_point = (code_point << 6) | static_cast<char32_t>(continuation & 0x3Fu);
  }
  constexpr char32_t smallest_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < smallest_for_length[length]) return 0;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  if (code_point > 0x10FFFF) return 0;
  return length;
}

bool is_control(char32_t code_point) noexcept {
  return code_point < 0x20 || code_point == 0x7F || (code_point >= 0x80 && code_point <= 0x9F);
}

// Valid text that still changes how the text around it looks: it can make "Q_evil" read
// as another name, or hide part of it.
bool is_invisible_formatting(char32_t code_point) noexcept {
  return (code_point >= 0x200B && code_point <= 0x200F) ||  // zero-width, LRM, RLM
         (code_point >= 0x2028 && code_point <= 0x202E) ||  // separators, bidi embeddings
         (code_point >= 0x2060 && code_point <= 0x206F) ||  // word joiner, bidi isolates
         code_point == 0xFEFF;                              // zero-width no-break space
}

void append_escape(std::string& out, const char* format, unsigned value) {
  char escaped[16];
  std::snprintf(escaped, sizeof escaped, format, value);
  out += escaped;
}

}  // namespace

text_check check_text(std::string_view text, std::size_t max_size) noexcept {
  if (text.empty()) return {text_fault::empty};
  if (text.size() > max_size) return {text_fault::too_long};
  for (std::size_t at = 0; at < text.size();) {
    char32_t code_point = 0;
    const std::size_t length = decode_utf8(text, at, code_point);
    if (length == 0) return {text_fault::malformed_utf8, at};
    if (is_control(code_point)) return {text_fault::control_character, at, code_point};
    at += length;
  }
  return {};
}

std::string describe(const text_check& check, std::size_t size, std::size_t max_size) {
  switch (check.fault) {
    case text_fault::none:
      return "is valid";
    case text_fault::empty:
      return "is empty";
    case text_fault::too_long:
      return "is " + std::to_string(size) + " bytes, over the " + std::to_string(max_size) +
             "-byte limit";
    case text_fault::malformed_utf8:
      return "is not valid UTF-8 (at byte " + std::to_string(check.offset) + ")";
    case text_fault::control_character: {
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(check.code_point));
      return std::string("contains control character ") + code + " at byte " +
             std::to_string(check.offset);
    }
  }
  return "is invalid";
}

std::string printable_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    char32_t code_point = 0;
    const std::size_t length = decode_utf8(text, at, code_point);
    if (length == 0) {
      append_escape(out, "\\x%02x", static_cast<unsigned char>(text[at]));
      ++at;
      continue;
    }
    if (code_point == '\\')
      out += "\\\\";
    else if (code_point < 0x80 && is_control(code_point))
      append_escape(out, "\\x%02x", static_cast<unsigned>(code_point));
    else if (is_control(code_point) || is_invisible_formatting(code_point))
      append_escape(out, "\\u%04x", static_cast<unsigned>(code_point));
    else
      out.append(text.substr(at, length));
    at += length;
  }
  return out;
}

}  // namespace imchat::directory
