#include "chat/since_time.hpp"

#include "util/printable_text.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <ctime>
#include <limits>
#include <optional>

namespace imchat::chat {

namespace {

using std::chrono::system_clock;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `width` digits at `at`, moving past them.
std::optional<int> digits(std::string_view text, std::size_t& at, std::size_t width) {
  if (at + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    if (!is_digit(text[at + i])) return std::nullopt;
    value = value * 10 + (text[at + i] - '0');
  }
  at += width;
  return value;
}

// "1h30m": the units, largest first; each may come once.
std::optional<std::chrono::seconds> duration_of(std::string_view text) {
  constexpr std::string_view units = "wdhms";
  constexpr std::int64_t unit_seconds[] = {7 * 86400, 86400, 3600, 60, 1};
  std::int64_t total = 0;
  std::size_t at = 0, next_unit = 0;
  while (at < text.size()) {
    std::int64_t value = 0;
    const auto start = at;
    for (; at < text.size() && is_digit(text[at]); ++at) {
      if (value > std::numeric_limits<std::int64_t>::max() / 10 / unit_seconds[0]) return std::nullopt;
      value = value * 10 + (text[at] - '0');
    }
    if (at == start || at == text.size()) return std::nullopt;
    const auto unit = units.find(text[at], next_unit);
    if (unit == std::string_view::npos) return std::nullopt;
    total += value * unit_seconds[unit];
    if (total > std::numeric_limits<std::int64_t>::max() / 2) return std::nullopt;
    next_unit = unit + 1;
    ++at;
  }
  if (text.empty()) return std::nullopt;
  return std::chrono::seconds(total);
}

// ISO 8601's calendar date with an optional time and zone.
std::optional<system_clock::time_point> iso_time_of(std::string_view text) {
  std::size_t at = 0;
  std::tm fields{};
  const auto year = digits(text, at, 4);
  if (!year || at >= text.size() || text[at++] != '-') return std::nullopt;
  const auto month = digits(text, at, 2);
  if (!month || at >= text.size() || text[at++] != '-') return std::nullopt;
  const auto day = digits(text, at, 2);
  if (!day) return std::nullopt;
  int hour = 0, minute = 0, second = 0;
  if (at < text.size() && (text[at] == 'T' || text[at] == ' ')) {
    ++at;
    const auto h = digits(text, at, 2);
    if (!h || at >= text.size() || text[at++] != ':') return std::nullopt;
    const auto m = digits(text, at, 2);
    if (!m) return std::nullopt;
    hour = *h;
    minute = *m;
    if (at < text.size() && text[at] == ':') {
      ++at;
      const auto s = digits(text, at, 2);
      if (!s) return std::nullopt;
      second = *s;
    }
  }
  // The zone: none (local time), Z, or +HH:MM / +HHMM / +HH.
  std::optional<int> offset_minutes;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    offset_minutes = 0;
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const int sign = text[at++] == '-' ? -1 : 1;
    const auto h = digits(text, at, 2);
    if (!h || *h > 23) return std::nullopt;
    int m = 0;
    if (at < text.size()) {
      if (text[at] == ':') ++at;
      const auto mm = digits(text, at, 2);
      if (!mm || *mm > 59) return std::nullopt;
      m = *mm;
    }
    offset_minutes = sign * (*h * 60 + m);
  }
  if (at != text.size()) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || hour > 23 || minute > 59 || second > 60)
    return std::nullopt;
  fields.tm_year = *year - 1900;
  fields.tm_mon = *month - 1;
  fields.tm_mday = *day;
  fields.tm_hour = hour;
  fields.tm_min = minute;
  fields.tm_sec = second;
  fields.tm_isdst = -1;
  std::tm normalized = fields;
  const std::time_t when = offset_minutes ? ::timegm(&normalized) : std::mktime(&normalized);
  // 31 February comes back as 3 March: a day the month does not have.
  if (when == -1 || normalized.tm_mday != *day || normalized.tm_mon != *month - 1) return std::nullopt;
  return system_clock::from_time_t(when) - std::chrono::minutes(offset_minutes.value_or(0));
}

}  // namespace

std::variant<system_clock::time_point, std::string> parse_since(std::string_view text, system_clock::time_point now) {
  if (!text.empty() && is_digit(text.back())) {
    if (auto when = iso_time_of(text)) return *when;
  } else if (auto back = duration_of(text)) {
    return now - *back;
  } else if (auto zoned = iso_time_of(text)) {
    return *zoned;
  }
  return fmt::format("--since: '{}' is neither a time (2026-12-03T14:30, 2026-12-03 14:30:15+01:00) nor a "
                     "duration back from now (90s, 15m, 2h, 1h30m, 3d, 1w)",
                     printable_text(text, 100));
}

}  // namespace imchat::chat
