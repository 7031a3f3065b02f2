// The one escaper for untrusted text (util/printable_text.hpp): what displays print, logs
// quote and the directory quotes back.
#include "util/printable_text.hpp"
#include "util/utf8.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>

using imchat::printable_text;

namespace {

std::string bytes_of(std::initializer_list<unsigned> values) {
  std::string text;
  for (const unsigned value : values) text.push_back(static_cast<char>(value));
  return text;
}

// The property every output has: valid UTF-8 with no character that controls a terminal
// or hides, reorders or fakes text, the emoji joiner aside.
void check_harmless(const std::string& shown) {
  for (std::size_t at = 0; at < shown.size();) {
    char32_t code_point = 0;
    const auto length = imchat::utf8::decode(shown, at, code_point);
    INFO("at byte " << at << " of '" << shown << "'");
    REQUIRE(length != 0);
    CHECK_FALSE(imchat::hides_or_controls(code_point));
    at += length;
  }
}

}  // namespace

TEST_SUITE("util") {
  TEST_CASE("printable text: ordinary text - other scripts and emoji stay as they are") {
    for (const std::string text : {"Q_cheese", "room with spaces", "fromage \xC3\xA0 l'ail", "\xE2\x82\xAC",
                                   "\xF0\x9F\xA7\x80", "\xC2\xA0", "~", "Zo\xC3\xAB: \xC3\xA7" "a va? \xE6\x97\xA5\xE6\x9C\xAC",
                                   "C:\\path\\to", "\\o/"}) {
      CAPTURE(text);
      CHECK(printable_text(text) == text);
    }
    CHECK(printable_text("") == "");
  }

  TEST_CASE("printable text: a joined emoji keeps its joiner - a joiner elsewhere is shown") {
    const std::string technologist = "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB";  // woman, ZWJ, laptop
    CHECK(printable_text(technologist) == technologist);
    const std::string family = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
    CHECK(printable_text(family) == family);
    CHECK(printable_text("ad\xE2\x80\x8Dmin") == "ad\\u200dmin");
    CHECK(printable_text("\xE2\x80\x8D") == "\\u200d");
    CHECK(printable_text("\xF0\x9F\x91\xA9\xE2\x80\x8D") == "\xF0\x9F\x91\xA9\\u200d");
  }

  TEST_CASE("printable text: control characters - TAB included - are escaped") {
    CHECK(printable_text(std::string("a\0b", 3)) == "a\\x00b");
    CHECK(printable_text("tab\there") == "tab\\x09here");
    CHECK(printable_text("new\nline\r") == "new\\x0aline\\x0d");
    CHECK(printable_text("esc\x1b[2J") == "esc\\x1b[2J");
    CHECK(printable_text("del\x7f") == "del\\x7f");
    CHECK(printable_text("c1 \xC2\x80 \xC2\x9B \xC2\x9F") == "c1 \\u0080 \\u009b \\u009f");
  }

  TEST_CASE("printable text: characters that reorder or hide text are escaped") {
    CHECK(printable_text("Q_\xE2\x80\xAE" "evil") == "Q_\\u202eevil");      // RIGHT-TO-LEFT OVERRIDE
    CHECK(printable_text("\xE2\x81\xA6x\xE2\x81\xA9") == "\\u2066x\\u2069");  // isolates
    CHECK(printable_text("a\xE2\x80\x8B" "b") == "a\\u200bb");              // ZERO WIDTH SPACE
    CHECK(printable_text("a\xE2\x80\x8C" "b") == "a\\u200cb");              // ZERO WIDTH NON-JOINER
    CHECK(printable_text("a\xE2\x80\x8E" "b\xE2\x80\x8F") == "a\\u200eb\\u200f");  // LRM, RLM
    CHECK(printable_text("a\xD8\x9C" "b") == "a\\u061cb");                  // ARABIC LETTER MARK
    CHECK(printable_text("a\xE2\x80\xA8" "b\xE2\x80\xA9") == "a\\u2028b\\u2029");  // line, paragraph sep.
    CHECK(printable_text("a\xE2\x81\xA0" "b") == "a\\u2060b");              // WORD JOINER
    CHECK(printable_text("\xEF\xBB\xBFname") == "\\ufeffname");             // BOM
    CHECK(printable_text("x\xEF\xBF\xB9y") == "x\\ufff9y");                 // interlinear annotation
    // Their neighbours are ordinary characters.
    CHECK(printable_text("\xE2\x80\x8A\xE2\x80\xAF") == "\xE2\x80\x8A\xE2\x80\xAF");  // U+200A, U+202F
  }

  TEST_CASE("printable text: each byte of malformed UTF-8 is shown as a hex escape") {
    CHECK(printable_text(bytes_of({'a', 0xC0, 0x80, 'b'})) == "a\\xc0\\x80b");  // overlong
    CHECK(printable_text(bytes_of({0xED, 0xA0, 0x80})) == "\\xed\\xa0\\x80");  // surrogate
    CHECK(printable_text(bytes_of({'x', 0xE2, 0x82})) == "x\\xe2\\x82");         // cut short
    CHECK(printable_text(bytes_of({0xFF})) == "\\xff");
  }

  TEST_CASE("printable text: a backslash that could read as an escape is doubled") {
    CHECK(printable_text("a\\x1b") == "a\\\\x1b");
    CHECK(printable_text("a\\x1b") != printable_text("a\x1b"));
    CHECK(printable_text("\\u202e") == "\\\\u202e");
    CHECK(printable_text("\\\x1b") == "\\\\\\x1b");  // backslash, then ESC
    CHECK(printable_text("\\\x1b") != printable_text("\\x1b"));
    CHECK(printable_text("a\\\\") == "a\\\\\\");      // the first of two, which precedes a backslash
  }

  TEST_CASE("printable text: a cut shows where it is") {
    CHECK(printable_text("abcdef", 3) == "abc...");
    CHECK(printable_text("abc", 3) == "abc");
    const std::string long_name(60'000, '\xFF');
    const auto shown = printable_text(long_name, 100);
    CHECK(shown.size() == 100 * 4 + 3);
    CHECK(shown.ends_with("..."));
  }

  TEST_CASE("printable text: no input - however random - yields a harmful character") {
    std::string every_byte;
    for (int c = 0; c < 256; ++c) every_byte += static_cast<char>(c);
    check_harmless(printable_text(every_byte));
    std::mt19937 random(12345);
    for (int round = 0; round < 2000; ++round) {
      std::string text;
      const auto size = random() % 24;
      for (std::size_t i = 0; i < size; ++i) {
        // Bias towards the interesting: format characters, joiners, pictographs.
        static const std::vector<std::string> pieces = {
            "a", "\\", "x", "\t", "\x1b", "\xE2\x80\x8D", "\xE2\x80\xAE", "\xF0\x9F\x91\xA9", "\xEF\xBB\xBF",
            "\xC2\x9B", "\xFF", "\xE2\x80", "\xD8\x9C", "\xE2\x81\xA6"};
        text += pieces[random() % pieces.size()];
      }
      CAPTURE(text);
      check_harmless(printable_text(text));
    }
  }
}
