#include "chat/terminal_text.hpp"

#include <cstdint>
#include <cstdio>

namespace imchat::chat {
namespace {

// Decodes one UTF-8 sequence at the start of `text`: the code point and its length, or
// length 0 for a malformed sequence (overlong, surrogate, past U+10FFFF, truncated).
struct decoded {
  char32_t code_point = 0;
  std::size_t length = 0;
};

decoded decode_utf8(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  const std::uint8_t lead = byte(0);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  char32_t cp = 0, min = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    return {};
  }
  if (text.size() < length) return {};
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (byte(i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, length};
}

bool must_escape(char32_t cp) {
  if (cp == '\t') return false;
  if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return true;
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

void append_escape(std::string& out, char32_t cp) {
  char text[16];
  if (cp < 0x80)
    std::snprintf(text, sizeof text, "\\x%02x", static_cast<unsigned>(cp));
  else
    std::snprintf(text, sizeof text, "\\u%04x", static_cast<unsigned>(cp));
  out += text;
}

}  // namespace

std::string terminal_safe(std::string_view text) {
  if (text.ends_with('\0')) text.remove_suffix(1);
  if (text.ends_with('\n')) text.remove_suffix(1);
  if (text.ends_with('\r')) text.remove_suffix(1);
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto [cp, length] = decode_utf8(text);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      text.remove_prefix(1);
      continue;
    }
    if (must_escape(cp))
      append_escape(out, cp);
    else
      out.append(text.substr(0, length));
    text.remove_prefix(length);
  }
  return out;
}

}  // namespace imchat::chat
