#include "directory/name_rules.hpp"

#include "util/utf8.hpp"

#include <cstdio>

namespace imchat::directory {
namespace {

bool is_control(char32_t code_point) noexcept {
  return code_point < 0x20 || code_point == 0x7F || (code_point >= 0x80 && code_point <= 0x9F);
}

}  // namespace

text_check check_text(std::string_view text, std::size_t max_size) noexcept {
  if (text.empty()) return {text_fault::empty};
  if (text.size() > max_size) return {text_fault::too_long};
  for (std::size_t at = 0; at < text.size();) {
    char32_t code_point = 0;
    const std::size_t length = utf8::decode(text, at, code_point);
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

}  // namespace imchat::directory
