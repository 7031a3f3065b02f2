// display --since's times and durations (src/chat/since_time.hpp).

#include "chat/since_time.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>
#include <string>

namespace imchat::chat {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

system_clock::time_point utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) {
  std::tm fields{};
  fields.tm_year = year - 1900;
  fields.tm_mon = month - 1;
  fields.tm_mday = day;
  fields.tm_hour = hour;
  fields.tm_min = minute;
  fields.tm_sec = second;
  return system_clock::from_time_t(::timegm(&fields));
}

system_clock::time_point parsed(const std::string& text, system_clock::time_point now = utc(2026, 12, 3, 15)) {
  const auto result = parse_since(text, now);
  INFO(text);
  REQUIRE(std::holds_alternative<system_clock::time_point>(result));
  return std::get<system_clock::time_point>(result);
}

std::string problem(const std::string& text) {
  const auto result = parse_since(text);
  INFO(text);
  REQUIRE(std::holds_alternative<std::string>(result));
  return std::get<std::string>(result);
}

TEST_CASE("durations go back from now - units largest first - each once") {
  const auto now = utc(2026, 12, 3, 15);
  CHECK(parsed("90s", now) == now - 90s);
  CHECK(parsed("15m", now) == now - 15min);
  CHECK(parsed("2h", now) == now - 2h);
  CHECK(parsed("1h30m", now) == now - 90min);
  CHECK(parsed("3d", now) == now - 72h);
  CHECK(parsed("1w2d", now) == now - 9 * 24h);
  CHECK(parsed("0s", now) == now);
  for (const auto* bad : {"", "2", "h", "2x", "30m1h", "1h1h", "-2h", "2h ", " 2h", "99999999999999999999w", "1.5h"})
    CHECK(problem(bad).find("is neither a time") != std::string::npos);
}

TEST_CASE("ISO 8601 times with a zone are that instant") {
  CHECK(parsed("2026-12-03T14:30Z") == utc(2026, 12, 3, 14, 30));
  CHECK(parsed("2026-12-03T14:30:15Z") == utc(2026, 12, 3, 14, 30, 15));
  CHECK(parsed("2026-12-03 14:30+01:00") == utc(2026, 12, 3, 13, 30));
  CHECK(parsed("2026-12-03T14:30-0530") == utc(2026, 12, 3, 20, 0));
  CHECK(parsed("2026-12-03T01:00+02") == utc(2026, 12, 2, 23, 0));
  CHECK(parsed("2024-02-29T00:00Z") == utc(2024, 2, 29));
}

TEST_CASE("ISO 8601 times without a zone are local time") {
  const char* saved = std::getenv("TZ");
  const std::string before = saved ? saved : "";
  ::setenv("TZ", "Europe/Paris", 1);
  ::tzset();
  CHECK(parsed("2026-12-03T14:30") == utc(2026, 12, 3, 13, 30));   // winter: UTC+1
  CHECK(parsed("2026-07-01 14:30") == utc(2026, 7, 1, 12, 30));    // summer: UTC+2
  CHECK(parsed("2026-12-03") == utc(2026, 12, 2, 23, 0));           // the day's start
  if (saved)
    ::setenv("TZ", before.c_str(), 1);
  else
    ::unsetenv("TZ");
  ::tzset();
}

TEST_CASE("a time that is no time is refused in words - and shown escaped") {
  for (const auto* bad : {"2026-13-01", "2026-02-30", "2025-02-29T00:00Z", "2026-12-03T24:00", "2026-12-03T12:60",
                          "2026-12-3", "26-12-03", "2026-12-03T14", "2026-12-03T14:30+25:00", "2026-12-03T14:30Zx",
                          "yesterday", "2026-12-03T14:30:15.5Z"})
    CHECK(problem(bad).find("is neither a time") != std::string::npos);
  const auto said = problem("\x1b[2J2h");
  CHECK(said.find('\x1b') == std::string::npos);
  CHECK(said.find("\\x1b") != std::string::npos);
}

}  // namespace
}  // namespace imchat::chat
