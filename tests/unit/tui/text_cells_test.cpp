// Laying text out in terminal cells: UTF-8 both ways, widths, wrapping and fitting.

#include "tui/text_cells.hpp"

#include <doctest/doctest.h>

#include <clocale>

using namespace imchat::tui;

TEST_SUITE("tui") {

TEST_CASE("UTF-8 is decoded to code points and encoded back") {
  const std::string text = "a é 日 😀";
  const auto points = decode_utf8(text);
  CHECK(points == U"a é 日 😀");
  CHECK(encode_utf8(points) == text);
  CHECK(decode_utf8("a\xff" "b") == U"a\uFFFDb");  // a malformed byte is one replacement
}

TEST_CASE("widths: combining marks none - ideographs and emoji two") {
  REQUIRE(std::setlocale(LC_CTYPE, "C.UTF-8") != nullptr);
  CHECK(cell_width(U'a') == 1);
  CHECK(cell_width(U'\u0301') == 0);
  CHECK(cell_width(U'日') == 2);
  CHECK(cell_width(U'😀') == 2);
  CHECK(cell_width(U"e\u0301日") == 3);
}

TEST_CASE("wrapping cuts rows at the width and never splits a wide character") {
  REQUIRE(std::setlocale(LC_CTYPE, "C.UTF-8") != nullptr);
  CHECK(wrap(U"", 10) == std::vector<std::u32string>{U""});
  CHECK(wrap(U"abcdefghij", 4) == std::vector<std::u32string>{U"abcd", U"efgh", U"ij"});
  CHECK(wrap(U"ab日本", 3) == std::vector<std::u32string>{U"ab", U"日", U"本"});
  CHECK(wrap(U"abc\u0301d", 3) == std::vector<std::u32string>{U"abc\u0301", U"d"});  // the mark stays
  CHECK(wrap(U"日", 1) == std::vector<std::u32string>{U"日"});  // too wide for any row: alone in one
}

TEST_CASE("fit takes the longest start that fits") {
  REQUIRE(std::setlocale(LC_CTYPE, "C.UTF-8") != nullptr);
  CHECK(fit(U"abcdef", 4) == U"abcd");
  CHECK(fit(U"a日本", 4) == U"a日");
  CHECK(fit(U"abc", 10) == U"abc");
  CHECK(fit(U"abc", 0).empty());
}

}  // TEST_SUITE
