#include "util/printable_text.hpp"

#include "util/utf8.hpp"

#include <cstdio>

namespace imchat {
namespace {

constexpr char32_t zero_width_joiner = 0x200D;

// Pictographs that a zero-width joiner may join into one emoji ("👩‍💻"): the emoji
// blocks, dingbats and miscellaneous symbols. A joiner anywhere else only hides.
bool is_pictograph(char32_t code_point) noexcept {
  return (code_point >= 0x1F000 && code_point <= 0x1FAFF) || (code_point >= 0x2600 && code_point <= 0x27BF) ||
         (code_point >= 0x2B00 && code_point <= 0x2BFF) || code_point == 0xFE0F;  // variation selector-16
}

void append_escape(std::string& out, const char* format, unsigned value) {
  char escaped[16];
  std::snprintf(escaped, sizeof escaped, format, value);
  out += escaped;
}

// The code point at text[at] (or a malformed byte), for looking around a joiner.
struct peeked {
  char32_t code_point = 0;
  std::size_t length = 0;  // 0: malformed or past the end
};

peeked peek(std::string_view text, std::size_t at) {
  peeked result;
  if (at < text.size()) result.length = utf8::decode(text, at, result.code_point);
  return result;
}

// Whether the character at text[at] comes out as an escape (so a backslash before it
// must be doubled to stay a backslash).
bool escaped_at(std::string_view text, std::size_t at) {
  const auto next = peek(text, at);
  if (at < text.size() && next.length == 0) return true;
  return next.length != 0 && (hides_or_controls(next.code_point) || next.code_point == zero_width_joiner);
}

// A byte that stands for itself whatever surrounds it: printable ASCII but the
// backslash, which an escape after it makes doubled.
constexpr bool is_plain_ascii(char byte) noexcept { return byte >= 0x20 && byte < 0x7F && byte != '\\'; }

}  // namespace

bool hides_or_controls(char32_t code_point) noexcept {
  return code_point < 0x20 || code_point == 0x7F || (code_point >= 0x80 && code_point <= 0x9F) ||  // C0, DEL, C1
         code_point == 0x061C ||                                // ARABIC LETTER MARK
         code_point == 0x180E ||                                // MONGOLIAN VOWEL SEPARATOR
         (code_point >= 0x200B && code_point <= 0x200F && code_point != zero_width_joiner) ||  // zero-width, LRM, RLM
         (code_point >= 0x2028 && code_point <= 0x202E) ||      // separators, bidi embeddings and overrides
         (code_point >= 0x2060 && code_point <= 0x206F) ||      // word joiner, invisible operators, isolates
         code_point == 0xFEFF ||                                // BOM, zero-width no-break space
         (code_point >= 0xFFF9 && code_point <= 0xFFFB);        // interlinear annotations
}

std::string printable_text(std::string_view text, std::size_t max_input) {
  const bool cut = text.size() > max_input;
  if (cut) text = text.substr(0, max_input);
  std::string out;
  out.reserve(text.size());
  char32_t previous = 0;
  for (std::size_t at = 0; at < text.size();) {
    // Printable ASCII but the backslash goes out as it is, a run at a time: most text is
    // that, and decoding it a code point at a time was half a display's time.
    std::size_t plain = at;
    while (plain < text.size() && is_plain_ascii(text[plain])) ++plain;
    if (plain != at) {
      out.append(text.substr(at, plain - at));
      previous = static_cast<unsigned char>(text[plain - 1]);
      at = plain;
      continue;
    }
    char32_t code_point = 0;
    const std::size_t length = utf8::decode(text, at, code_point);
    if (length == 0) {
      append_escape(out, "\\x%02x", static_cast<unsigned char>(text[at]));
      previous = 0;
      ++at;
      continue;
    }
    const bool joins_emoji = code_point == zero_width_joiner && is_pictograph(previous) &&
                             is_pictograph(peek(text, at + length).code_point);
    if (code_point == '\\' && (escaped_at(text, at + 1) || text.substr(at + 1).starts_with('\\') ||
                               text.substr(at + 1).starts_with('x') || text.substr(at + 1).starts_with('u')))
      out += "\\\\";
    else if (code_point < 0x80 && hides_or_controls(code_point))
      append_escape(out, "\\x%02x", static_cast<unsigned>(code_point));
    else if (hides_or_controls(code_point) || (code_point == zero_width_joiner && !joins_emoji))
      append_escape(out, "\\u%04x", static_cast<unsigned>(code_point));
    else
      out.append(text.substr(at, length));
    previous = code_point;
    at += length;
  }
  if (cut) out += "...";
  return out;
}

std::string printable_text(std::span<const std::byte> bytes, std::size_t max_input) {
  return printable_text(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), max_input);
}

}  // namespace imchat
