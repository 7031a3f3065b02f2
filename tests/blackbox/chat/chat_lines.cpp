#include "blackbox/chat/chat_lines.hpp"

#include <charconv>

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include "support/regex.hpp"

namespace imchat::test::chat {

std::vector<std::string> complete_lines(std::string_view output) {
  std::vector<std::string> lines;
  for (auto end = output.find('\n'); end != std::string_view::npos; end = output.find('\n')) {
    lines.emplace_back(output.substr(0, end));
    output.remove_prefix(end + 1);
  }
  return lines;
}

std::optional<chat_line> parse_chat_line(const std::string& line) {
  static const std::regex form(
      "^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
      "([ 1-3][0-9]) ([0-2][0-9]):([0-5][0-9]):([0-6][0-9]) ([0-9]{4}) ([^:]+): (.*)$");
  static const std::array<std::string_view, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::smatch match;
  if (!std::regex_match(line, match, form)) return std::nullopt;
  const auto number = [&](std::size_t i) { return std::stoi(match[i].str()); };
  std::tm when{};
  for (std::size_t m = 0; m < months.size(); ++m)
    if (match[2].str() == months[m]) when.tm_mon = static_cast<int>(m);
  when.tm_mday = number(3);
  when.tm_hour = number(4);
  when.tm_min = number(5);
  when.tm_sec = number(6);
  when.tm_year = number(7) - 1900;
  when.tm_isdst = -1;
  const std::time_t time = std::mktime(&when);
  if (time == -1 || days.at(static_cast<std::size_t>(when.tm_wday)) != match[1].str()) return std::nullopt;
  return chat_line{.time = time, .user = match[8].str(), .text = match[9].str()};
}

void check_transcript(std::string_view output, const transcript& expected, const time_window& window) {
  INFO("display output:\n" << std::string(output));
  transcript said;
  for (const auto& line : complete_lines(output)) {
    CAPTURE(line);
    const auto parsed = parse_chat_line(line);
    CHECK(parsed.has_value());
    if (!parsed) continue;
    if (!expected.contains(parsed->user)) continue;  // the probe, say: from before the window
    CHECK(window.contains(parsed->time));
    said[parsed->user].push_back(parsed->text);
  }
  for (const auto& [user, texts] : expected) {
    CAPTURE(user);
    const auto& got = said[user];
    INFO("expected: " << joined(texts));
    INFO("got:      " << joined(got));
    CHECK(got == texts);
  }
}

std::set<std::string> users_in(std::string_view output) {
  std::set<std::string> users;
  for (const auto& line : complete_lines(output))
    if (const auto parsed = parse_chat_line(line)) users.insert(parsed->user);
  return users;
}

bool is_valid_utf8(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  std::size_t i = 0;
  while (i < text.size()) {
    const std::uint8_t lead = byte(i);
    std::size_t length = 0;
    std::uint32_t cp = 0, min = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2, cp = lead & 0x1Fu, min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3, cp = lead & 0x0Fu, min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4, cp = lead & 0x07u, min = 0x10000;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0u) != 0x80u) return false;
      cp = (cp << 6) | (byte(i + k) & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "[" : " [") + item + "]";
  return out;
}

bool is_outage_line(std::string_view line) {
  return line.starts_with(problems_line) || line.starts_with(back_line_start);
}

std::optional<std::uint64_t> lost_in_back_line(std::string_view line) {
  if (!line.starts_with(back_line_start)) return std::nullopt;
  line.remove_prefix(back_line_start.size());
  if (line == "nothing was lost.") return 0;
  std::uint64_t count = 0;
  const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), count);
  if (ec != std::errc{}) return std::nullopt;
  const std::string_view rest(end, static_cast<std::size_t>(line.data() + line.size() - end));
  if (rest != (count == 1 ? " message was lost." : " messages were lost.")) return std::nullopt;
  return count;
}

std::string without_outage_lines(std::string_view output) {
  std::string kept;
  for (const auto& line : complete_lines(output))
    if (!is_outage_line(line)) kept += line + "\n";
  return kept;
}

}  // namespace imchat::test::chat
