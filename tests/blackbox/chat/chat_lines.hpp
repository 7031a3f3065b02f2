#pragma once
// What a display prints, read back by the tests: its output split into lines, each line
// parsed as the room makes it ("Thu Nov 26 22:38:56 2026 kofi: hello", the ctime() of
// when the room processed the message, its newline turned into a space), and checks on
// a whole transcript. The parsing is written here from the tutorial, not taken from the
// code under test.

#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::test::chat {

// The complete lines in `output` (without their '\n'); an unterminated last line is left
// out, since the display may still be writing it.
std::vector<std::string> complete_lines(std::string_view output);

struct chat_line {
  std::time_t time = 0;  // the timestamp, read as local time (as ctime() wrote it)
  std::string user;
  std::string text;
};

// Parses "Www Mmm dd hh:mm:ss yyyy USER: TEXT". Nullopt when the line does not have that
// form, or its weekday does not match its date (so not what ctime() writes).
std::optional<chat_line> parse_chat_line(const std::string& line);

// The wall-clock interval a test's messages were sent and received in, to check that
// the room stamped them with the time it processed them.
struct time_window {
  std::time_t from = 0;
  std::time_t to = 0;
  bool contains(std::time_t t) const { return from - 1 <= t && t <= to + 1; }  // ctime() truncates
};

// What each user is expected to have said, in order.
using transcript = std::map<std::string, std::vector<std::string>>;

// Checks (with doctest CHECKs) one display's output: every line is a stamped chat line,
// each of a user of `expected` stamped within `window`, and for each user of `expected`
// the texts that user said are exactly the expected ones, in order: each once, none
// missing, none extra. Lines of users outside `expected` (the synchronisation probe,
// whose first lines may come from before the window) are otherwise ignored.
void check_transcript(std::string_view output, const transcript& expected, const time_window& window);

// The users who said something in `output` (chat lines only), for no-cross-talk checks.
std::set<std::string> users_in(std::string_view output);

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or values past
// U+10FFFF).
bool is_valid_utf8(std::string_view text);

// A display's outage lines: the tutorial's, when its connection to the room broke and was
// not back within a second, and the one that says it is back and what was lost.
inline constexpr std::string_view problems_line = "Problems connecting to the chatroom...";
inline constexpr std::string_view back_line_start = "Back in the chatroom: ";
bool is_outage_line(std::string_view line);
// How many messages a back line says were lost ("nothing was lost": 0). Nullopt for a
// back line that cannot know (the room restarted) and for any other line.
std::optional<std::uint64_t> lost_in_back_line(std::string_view line);
// `output` without its outage lines, for check_transcript (which takes chat lines only).
std::string without_outage_lines(std::string_view output);

// "a", "b" -> "[a] [b]" for failure messages.
std::string joined(const std::vector<std::string>& items);

}  // namespace imchat::test::chat
