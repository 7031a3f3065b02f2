// What a display may print: message bytes never drive the terminal.

#include "chat/terminal_text.hpp"

#include <doctest/doctest.h>

using imchat::chat::terminal_safe;

TEST_SUITE("chat") {
  TEST_CASE("plain text and UTF-8 pass through unchanged") {
    CHECK(terminal_safe("kofi: hello") == "kofi: hello");
    CHECK(terminal_safe("Zoë: ça va? 日本語 🧀") == "Zoë: ça va? 日本語 🧀");
    CHECK(terminal_safe("Zoë: 👩‍💻") == "Zoë: 👩‍💻");
  }

  TEST_CASE("one trailing newline or NUL is dropped since the display ends lines itself") {
    CHECK(terminal_safe("hello\n") == "hello");
    CHECK(terminal_safe("hello\r\n") == "hello");
    CHECK(terminal_safe(std::string_view("hello\n\0", 7)) == "hello");
    CHECK(terminal_safe("hello\n\n") == "hello\\x0a");
  }

  TEST_CASE("C0 controls DEL and C1 controls are shown escaped") {
    CHECK(terminal_safe("\x1b[31mred") == "\\x1b[31mred");
    CHECK(terminal_safe("bell\a") == "bell\\x07");
    CHECK(terminal_safe("a\rb") == "a\\x0db");
    CHECK(terminal_safe(std::string_view("a\0b", 3)) == "a\\x00b");
    CHECK(terminal_safe("x\x7fy") == "x\\x7fy");
    CHECK(terminal_safe("\xc2\x9b" "31m") == "\\u009b31m");  // C1 CSI, encoded in UTF-8
  }

  TEST_CASE("bidirectional overrides and isolates are shown escaped") {
    CHECK(terminal_safe("abc\xe2\x80\xae" "def") == "abc\\u202edef");  // U+202E RLO
    CHECK(terminal_safe("\xe2\x81\xa6x") == "\\u2066x");              // U+2066 LRI
  }

  TEST_CASE("TAB is shown escaped - so padding cannot fake the start of another message") {
    CHECK(terminal_safe("a\tb") == "a\\x09b");
    CHECK(terminal_safe("hi\t\t\t\t\t\t\t\tThu Nov 26 22:38:56 2026 alice: hi") ==
          "hi\\x09\\x09\\x09\\x09\\x09\\x09\\x09\\x09Thu Nov 26 22:38:56 2026 alice: hi");
  }

  TEST_CASE("invalid UTF-8 is shown one byte at a time as a hex escape") {
    CHECK(terminal_safe("a\xffz") == "a\\xffz");
    CHECK(terminal_safe("\xc0\xaf") == "\\xc0\\xaf");                // overlong '/'
    CHECK(terminal_safe("\xed\xa0\x80") == "\\xed\\xa0\\x80");      // surrogate
    CHECK(terminal_safe("\xe6\x97") == "\\xe6\\x97");                // truncated
  }

  TEST_CASE("no output byte is ever a raw control character") {
    std::string every_byte;
    for (int c = 0; c < 256; ++c) every_byte += static_cast<char>(c);
    for (const unsigned char c : terminal_safe(every_byte)) {
      INFO(static_cast<int>(c));
      CHECK(c >= 0x20);
      CHECK(c != 0x7f);
    }
  }
}
