#include "util/utf8.hpp"

namespace imchat::utf8 {

std::size_t decode(std::string_view text, std::size_t at, char32_t& code_point) noexcept {
  const auto byte_at = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned lead = byte_at(at);
  std::size_t length = 0;
  char32_t decoded = 0;
  if (lead < 0x80) {
    code_point = static_cast<char32_t>(lead);
    return 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    decoded = static_cast<char32_t>(lead & 0x1Fu);
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    decoded = static_cast<char32_t>(lead & 0x0Fu);
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    decoded = static_cast<char32_t>(lead & 0x07u);
  } else {
    return 0;
  }
  if (text.size() - at < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned continuation = byte_at(at + i);
    if ((continuation & 0xC0u) != 0x80u) return 0;
    decoded = (decoded << 6) | static_cast<char32_t>(continuation & 0x3Fu);
  }
  constexpr char32_t smallest_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
  if (decoded < smallest_for_length[length]) return 0;
  if (decoded >= 0xD800 && decoded <= 0xDFFF) return 0;
  if (decoded > 0x10FFFF) return 0;
  code_point = decoded;
  return length;
}

}  // namespace imchat::utf8
