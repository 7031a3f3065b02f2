// The room's timestamp prefix, in the tutorial's ctime() format.

#include "chat/timestamp.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include "support/regex.hpp"

TEST_SUITE("chat") {
  TEST_CASE("the prefix is ctime with its newline turned into a space") {
    setenv("TZ", "UTC", 1);
    tzset();
    CHECK(imchat::chat::timestamp_prefix(1795732736) == "Thu Nov 26 22:38:56 2026 ");
    CHECK(imchat::chat::timestamp_prefix(0) == "Thu Jan  1 00:00:00 1970 ");
  }

  TEST_CASE("the prefix of now has the ctime shape") {
    const auto prefix = imchat::chat::timestamp_prefix(std::time(nullptr));
    CHECK(std::regex_match(prefix, std::regex(R"([A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d \d{4} )")));
  }
}
