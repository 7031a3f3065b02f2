// What the display prints for a gap notice.

#include "chat/gap_line.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

using imchat::chat::gap_line;

TEST_SUITE("chat") {
  TEST_CASE("gap_line: an unknown count prints the tutorial line alone") {
    CHECK(gap_line(0) == "Problems connecting to the chatroom...\n");
  }

  TEST_CASE("gap_line: one lost message is singular") {
    CHECK(gap_line(1) == "Problems connecting to the chatroom... (1 message lost)\n");
  }

  TEST_CASE("gap_line: more lost messages are counted in the plural") {
    CHECK(gap_line(2) == "Problems connecting to the chatroom... (2 messages lost)\n");
    CHECK(gap_line(3) == "Problems connecting to the chatroom... (3 messages lost)\n");
    CHECK(gap_line(1000000) == "Problems connecting to the chatroom... (1000000 messages lost)\n");
    CHECK(gap_line(std::numeric_limits<std::uint64_t>::max()) ==
          "Problems connecting to the chatroom... (18446744073709551615 messages lost)\n");
  }
}
