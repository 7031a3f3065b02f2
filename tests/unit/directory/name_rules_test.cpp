#include "directory/name_rules.hpp"
#include "directory/registry.hpp"

#include <doctest/doctest.h>

#include <string>

using imchat::directory::check_text;
using imchat::directory::describe;
using imchat::directory::is_valid_name;
using imchat::directory::text_fault;

namespace {

constexpr std::size_t limit = 1024;

// Builds a string from raw byte values, so that invalid UTF-8 is spelled out exactly.
std::string bytes_of(std::initializer_list<unsigned> values) {
  std::string text;
  for (const unsigned value : values) text.push_back(static_cast<char>(value));
  return text;
}

}  // namespace

TEST_CASE("names: ordinary and multilingual names are valid") {
  CHECK(is_valid_name("Q_cheese", limit));
  CHECK(is_valid_name("x", limit));
  CHECK(is_valid_name("room with spaces", limit));
  CHECK(is_valid_name("fromage \xC3\xA0 l'ail", limit));         // U+00E0, 2 bytes
  CHECK(is_valid_name("\xE2\x82\xAC", limit));                   // U+20AC, 3 bytes
  CHECK(is_valid_name("\xED\x9F\xBF", limit));                   // U+D7FF, just below surrogates
  CHECK(is_valid_name("\xEE\x80\x80", limit));                   // U+E000, just above them
  CHECK(is_valid_name("\xF0\x9F\xA7\x80", limit));               // U+1F9C0, 4 bytes
  CHECK(is_valid_name("\xF4\x8F\xBF\xBF", limit));               // U+10FFFF, the last one
  CHECK(is_valid_name("\xC2\xA0", limit));                       // U+00A0, just after C1
  CHECK(is_valid_name("~", limit));                              // U+007E, just before DEL
}

TEST_CASE("names: empty and over-long names are invalid - at the exact boundary") {
  CHECK(check_text("", limit).fault == text_fault::empty);
  CHECK(is_valid_name(std::string(limit, 'a'), limit));
  CHECK(check_text(std::string(limit + 1, 'a'), limit).fault == text_fault::too_long);
  CHECK(is_valid_name("abc", 3));
  CHECK_FALSE(is_valid_name("abcd", 3));
}

TEST_CASE("names: malformed UTF-8 is invalid and located") {
  struct example {
    const char* what;
    std::string text;
    std::size_t offset;
  };
  const example examples[] = {
      {"stray continuation byte", bytes_of({'a', 0x80}), 1},
      {"lead byte without continuation", bytes_of({'a', 'b', 0xC3}), 2},
      {"lead byte followed by ASCII", bytes_of({0xC3, 'a'}), 0},
      {"truncated 3-byte sequence", bytes_of({0xE2, 0x82}), 0},
      {"truncated 4-byte sequence", bytes_of({0xF0, 0x9F, 0xA7}), 0},
      {"overlong 2-byte NUL", bytes_of({0xC0, 0x80}), 0},
      {"overlong 2-byte '/'", bytes_of({0xC1, 0xAF}), 0},
      {"overlong 3-byte", bytes_of({0xE0, 0x80, 0xAF}), 0},
      {"overlong 3-byte just below U+0800", bytes_of({0xE0, 0x9F, 0xBF}), 0},
      {"overlong 4-byte", bytes_of({0xF0, 0x80, 0x80, 0xAF}), 0},
      {"overlong 4-byte just below U+10000", bytes_of({0xF0, 0x8F, 0xBF, 0xBF}), 0},
      {"high surrogate U+D800", bytes_of({'x', 0xED, 0xA0, 0x80}), 1},
      {"low surrogate U+DFFF", bytes_of({0xED, 0xBF, 0xBF}), 0},
      {"past U+10FFFF", bytes_of({0xF4, 0x90, 0x80, 0x80}), 0},
      {"F5 lead byte", bytes_of({0xF5, 0x80, 0x80, 0x80}), 0},
      {"FF byte", bytes_of({'o', 'k', 0xFF}), 2},
  };
  for (const auto& e : examples) {
    CAPTURE(e.what);
    const auto check = check_text(e.text, limit);
    CHECK(check.fault == text_fault::malformed_utf8);
    CHECK(check.offset == e.offset);
    CHECK_FALSE(is_valid_name(e.text, limit));
  }
}

TEST_CASE("names: control characters C0 - DEL and C1 are invalid") {
  struct example {
    std::string text;
    char32_t code_point;
  };
  const example examples[] = {
      {std::string("a\0b", 3), 0x00},  {"tab\there", 0x09},      {"new\nline", 0x0A},
      {"esc\x1b[31m", 0x1B},           {"unit\x1f", 0x1F},       {"del\x7f", 0x7F},
      {"c1 \xC2\x80", 0x80},           {"csi \xC2\x9B", 0x9B},   {"apc \xC2\x9F", 0x9F},
  };
  for (const auto& e : examples) {
    CAPTURE(static_cast<unsigned>(e.code_point));
    const auto check = check_text(e.text, limit);
    CHECK(check.fault == text_fault::control_character);
    CHECK(check.code_point == e.code_point);
    CHECK_FALSE(is_valid_name(e.text, limit));
  }
}

TEST_CASE("names: descriptions say what is wrong and where") {
  CHECK(describe(check_text("", limit), 0, limit) == "is empty");
  CHECK(describe(check_text(std::string(1025, 'a'), limit), 1025, limit) ==
        "is 1025 bytes, over the 1024-byte limit");
  const std::string malformed = bytes_of({'a', 'b', 0xC0, 0x80});
  CHECK(describe(check_text(malformed, limit), malformed.size(), limit) ==
        "is not valid UTF-8 (at byte 2)");
  CHECK(describe(check_text("abc\x07", limit), 4, limit) ==
        "contains control character U+0007 at byte 3");
  CHECK(describe(check_text("x\xC2\x85", limit), 3, limit) ==
        "contains control character U+0085 at byte 1");
}
