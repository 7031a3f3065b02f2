#include "tui/text_cells.hpp"

#include "util/utf8.hpp"

#include <algorithm>
#include <cwchar>

namespace imchat::tui {

std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    char32_t code_point = 0;
    const auto length = utf8::decode(text, at, code_point);
    out.push_back(length == 0 ? U'\uFFFD' : code_point);
    at += length == 0 ? 1 : length;
  }
  return out;
}

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto put = [&out](unsigned value) { out.push_back(static_cast<char>(value)); };
  for (const char32_t c : text) {
    const auto v = static_cast<unsigned>(c);
    if (v < 0x80) {
      put(v);
    } else if (v < 0x800) {
      put(0xC0 | (v >> 6));
      put(0x80 | (v & 0x3F));
    } else if (v < 0x10000) {
      put(0xE0 | (v >> 12));
      put(0x80 | ((v >> 6) & 0x3F));
      put(0x80 | (v & 0x3F));
    } else {
      put(0xF0 | (v >> 18));
      put(0x80 | ((v >> 12) & 0x3F));
      put(0x80 | ((v >> 6) & 0x3F));
      put(0x80 | (v & 0x3F));
    }
  }
  return out;
}

int cell_width(char32_t code_point) noexcept {
  const int width = ::wcwidth(static_cast<wchar_t>(code_point));
  return width < 0 ? 1 : std::min(width, 2);
}

int cell_width(std::u32string_view text) noexcept {
  int cells = 0;
  for (const char32_t c : text) cells += cell_width(c);
  return cells;
}

std::vector<std::u32string> wrap(std::u32string_view text, int width) {
  width = std::max(width, 1);
  std::vector<std::u32string> rows(1);
  int used = 0;
  for (const char32_t c : text) {
    const int cells = cell_width(c);
    if (cells > 0 && used + cells > width && used > 0) {
      rows.emplace_back();
      used = 0;
    }
    rows.back().push_back(c);
    used += cells;
  }
  return rows;
}

std::u32string_view fit(std::u32string_view text, int width) noexcept {
  int used = 0;
  std::size_t length = 0;
  for (; length < text.size(); ++length) {
    const int cells = cell_width(text[length]);
    if (used + cells > width) break;
    used += cells;
  }
  return text.substr(0, length);
}

}  // namespace imchat::tui
