// The prompt's line reader over a real pipe: lines as they come, a last line without a
// newline, and lines over the limit measured but not kept, however they are split.

#include "chat/line_reader.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using imchat::chat::input_line;
using imchat::chat::line_reader;

namespace {

// Everything `reader` yields from a pipe into which `input` is written in `piece`-byte
// writes (then closed).
std::vector<input_line> read_all(const std::string& input, std::size_t max_line, std::size_t piece) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::thread writer([&] {
    for (std::size_t at = 0; at < input.size(); at += piece) {
      const auto part = input.substr(at, piece);
      std::size_t written = 0;
      while (written < part.size()) {
        const auto n = ::write(fds[1], part.data() + written, part.size() - written);
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
      }
    }
    ::close(fds[1]);
  });
  line_reader reader(fds[0], max_line);
  std::vector<input_line> lines;
  while (auto line = reader.next([] { return false; })) lines.push_back(*line);
  writer.join();
  ::close(fds[0]);
  return lines;
}

}  // namespace

TEST_SUITE("chat") {
  TEST_CASE("the line reader yields each line - the last one without a newline too - whatever the splits") {
    const std::string input = "one\n\ntwo words\nlast";
    for (const std::size_t piece : {1u, 2u, 3u, 65536u}) {
      CAPTURE(piece);
      const auto lines = read_all(input, 100, piece);
      REQUIRE(lines.size() == 4);
      CHECK(lines[0].text == "one");
      CHECK(lines[1].text.empty());
      CHECK(lines[1].length == 0);
      CHECK(lines[2].text == "two words");
      CHECK(lines[3].text == "last");
      for (const auto& line : lines) CHECK_FALSE(line.too_long);
    }
  }

  TEST_CASE("a line over the limit is measured and skipped and the next lines come as usual") {
    const std::string huge(5 * 1024 * 1024 + 17, 'x');  // far more than one read
    const std::string input = "before\n" + std::string(11, 'y') + "\n" + huge + "\nafter\n" + huge;
    for (const std::size_t piece : {std::size_t{7}, std::size_t{64 * 1024}, input.size()}) {
      CAPTURE(piece);
      const auto lines = read_all(input, 10, piece);
      REQUIRE(lines.size() == 5);
      CHECK(lines[0].text == "before");
      CHECK(lines[1].too_long);
      CHECK(lines[1].length == 11);
      CHECK(lines[1].text.empty());
      CHECK(lines[2].too_long);
      CHECK(lines[2].length == huge.size());
      CHECK(lines[3].text == "after");
      CHECK_FALSE(lines[3].too_long);
      CHECK(lines[4].too_long);  // the last line, without a newline
      CHECK(lines[4].length == huge.size());
    }
  }

  TEST_CASE("a hundred thousand lines come out whole and in order however the reads cut them") {
    // Lines are taken from the middle of the read buffer, and what is left moves down
    // only before the next read: a line cut by a read must come out whole.
    std::string input;
    for (int n = 0; n < 100'000; ++n) input += "line " + std::to_string(n) + "\n";
    for (const std::size_t piece : {std::size_t{4093}, std::size_t{64 * 1024 + 1}}) {
      CAPTURE(piece);
      const auto lines = read_all(input, 100, piece);
      REQUIRE(lines.size() == 100'000);
      int wrong = 0;
      for (int n = 0; n < 100'000; ++n)
        if (lines[static_cast<std::size_t>(n)].text != "line " + std::to_string(n)) ++wrong;
      CHECK(wrong == 0);
    }
  }

  TEST_CASE("a line of exactly the limit is kept") {
    const auto lines = read_all(std::string(10, 'z') + "\n", 10, 3);
    REQUIRE(lines.size() == 1);
    CHECK_FALSE(lines[0].too_long);
    CHECK(lines[0].text == std::string(10, 'z'));
  }

  TEST_CASE("the line reader stops waiting when asked to") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    REQUIRE(::write(fds[1], "partial", 7) == 7);  // no newline, and the pipe stays open
    line_reader reader(fds[0], 100);
    int asked = 0;
    CHECK_FALSE(reader.next([&] { return ++asked > 2; }).has_value());
    CHECK(asked == 3);
    ::close(fds[0]);
    ::close(fds[1]);
  }
}
