// The history ring of a global exchange: numbering, eviction by count and by bytes,
// reading a stretch of it back, and where a subscriber's stream starts (stream_start()).

#include "kernel/detail/history_ring.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

using imchat::history_limits;
using imchat::detail::history_ring;
using imchat::message;
using imchat::detail::stream_start;

namespace {

// Appends a message of `text` and returns the number the ring gave it.
std::uint64_t append(history_ring& ring, const std::string& text) {
  message m(text);
  ring.append(m);
  return m.sequence();
}

std::vector<std::string> texts(const history_ring::slice& slice) {
  std::vector<std::string> out;
  for (const auto& m : slice.messages) out.emplace_back(m.text());
  return out;
}

std::vector<std::uint64_t> numbers(const history_ring::slice& slice) {
  std::vector<std::uint64_t> out;
  for (const auto& m : slice.messages) out.push_back(m.sequence());
  return out;
}

constexpr std::size_t everything = 1'000'000;

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("history_ring: an empty ring numbers from 1 and holds nothing") {
  const history_ring ring(history_limits{});
  CHECK(ring.next() == 1);
  CHECK(ring.oldest() == 1);
  const auto slice = ring.read(1, everything);
  CHECK(slice.first == 1);
  CHECK(slice.next == 1);
  CHECK(slice.messages.empty());
}

TEST_CASE("history_ring: appended messages are numbered 1 2 3 and read back in order") {
  history_ring ring(history_limits{});
  CHECK(append(ring, "one") == 1);
  CHECK(append(ring, "two") == 2);
  CHECK(append(ring, "three") == 3);
  CHECK(ring.oldest() == 1);
  CHECK(ring.next() == 4);

  const auto all = ring.read(1, everything);
  CHECK(all.first == 1);
  CHECK(all.next == 4);
  CHECK(texts(all) == std::vector<std::string>{"one", "two", "three"});
  CHECK(numbers(all) == std::vector<std::uint64_t>{1, 2, 3});

  const auto tail = ring.read(2, everything);
  CHECK(tail.first == 2);
  CHECK(texts(tail) == std::vector<std::string>{"two", "three"});
}

TEST_CASE("history_ring: append overwrites a number the message already had") {
  history_ring ring(history_limits{});
  message m("x");
  m.set_sequence(42);
  ring.append(m);
  CHECK(m.sequence() == 1);
  CHECK(ring.read(1, everything).messages.at(0).sequence() == 1);
}

TEST_CASE("history_ring: the oldest messages are forgotten beyond max_messages") {
  history_ring ring(history_limits{.max_messages = 3, .max_bytes = everything});
  for (const char* text : {"a", "b", "c", "d", "e"}) append(ring, text);
  CHECK(ring.oldest() == 3);
  CHECK(ring.next() == 6);
  const auto all = ring.read(1, everything);
  CHECK(all.first == 3);
  CHECK(all.next == 6);
  CHECK(texts(all) == std::vector<std::string>{"c", "d", "e"});
  CHECK(numbers(all) == std::vector<std::uint64_t>{3, 4, 5});
}

TEST_CASE("history_ring: the oldest messages are forgotten beyond max_bytes") {
  history_ring ring(history_limits{.max_messages = 100, .max_bytes = 10});
  append(ring, "1111");  // 4 bytes
  append(ring, "2222");  // 8
  CHECK(ring.oldest() == 1);
  append(ring, "33");  // exactly 10: still all kept
  CHECK(ring.oldest() == 1);
  append(ring, "4");  // 11: the first goes, 7 left
  CHECK(ring.oldest() == 2);
  CHECK(texts(ring.read(1, everything)) == std::vector<std::string>{"2222", "33", "4"});
  append(ring, "55555555");  // 15: "2222" and "33" go, 9 left
  CHECK(ring.oldest() == 4);
  CHECK(ring.next() == 6);
  CHECK(texts(ring.read(1, everything)) == std::vector<std::string>{"4", "55555555"});
}

TEST_CASE("history_ring: a message larger than max_bytes is still kept alone") {
  history_ring ring(history_limits{.max_messages = 100, .max_bytes = 4});
  append(ring, "ab");
  append(ring, "cd");
  const std::string big(100, 'x');
  CHECK(append(ring, big) == 3);
  CHECK(ring.oldest() == 3);
  CHECK(ring.next() == 4);
  const auto slice = ring.read(1, everything);
  CHECK(slice.first == 3);
  CHECK(texts(slice) == std::vector<std::string>{big});

  // The next message, even a small one, pushes the big one out.
  append(ring, "e");
  CHECK(ring.oldest() == 4);
  CHECK(texts(ring.read(1, everything)) == std::vector<std::string>{"e"});
}

TEST_CASE("history_ring: max_messages 0 keeps nothing but still numbers") {
  history_ring ring(history_limits{.max_messages = 0, .max_bytes = everything});
  CHECK(append(ring, "one") == 1);
  CHECK(append(ring, "two") == 2);
  CHECK(ring.next() == 3);
  CHECK(ring.oldest() == 3);
  const auto slice = ring.read(1, everything);
  CHECK(slice.first == 3);
  CHECK(slice.next == 3);
  CHECK(slice.messages.empty());
}

TEST_CASE("history_ring: read clamps where it starts") {
  history_ring ring(history_limits{.max_messages = 2, .max_bytes = everything});
  for (const char* text : {"a", "b", "c", "d"}) append(ring, text);  // keeps 3 and 4
  REQUIRE(ring.oldest() == 3);
  REQUIRE(ring.next() == 5);

  SUBCASE("from before the oldest starts at the oldest") {
    for (std::uint64_t from : {0, 1, 2}) {
      CAPTURE(from);
      const auto slice = ring.read(from, everything);
      CHECK(slice.first == 3);
      CHECK(slice.next == 5);
      CHECK(texts(slice) == std::vector<std::string>{"c", "d"});
    }
  }
  SUBCASE("from the last kept gives that one") {
    const auto slice = ring.read(4, everything);
    CHECK(slice.first == 4);
    CHECK(texts(slice) == std::vector<std::string>{"d"});
  }
  SUBCASE("from next or past it is empty with first at next") {
    for (std::uint64_t from : {5, 6, 1000}) {
      CAPTURE(from);
      const auto slice = ring.read(from, everything);
      CHECK(slice.first == 5);
      CHECK(slice.next == 5);
      CHECK(slice.messages.empty());
    }
  }
}

TEST_CASE("history_ring: read returns at most about max_bytes and always at least one") {
  history_ring ring(history_limits{});
  for (const char* text : {"aaa", "bbb", "ccc", "ddd", "eee"}) append(ring, text);  // 3 bytes each

  SUBCASE("chunks that fit exactly") {
    const auto first = ring.read(1, 6);
    CHECK(first.first == 1);
    CHECK(texts(first) == std::vector<std::string>{"aaa", "bbb"});
    const auto second = ring.read(3, 6);
    CHECK(second.first == 3);
    CHECK(texts(second) == std::vector<std::string>{"ccc", "ddd"});
    const auto third = ring.read(5, 6);
    CHECK(third.first == 5);
    CHECK(texts(third) == std::vector<std::string>{"eee"});
    CHECK(third.next == 6);
  }
  SUBCASE("a limit between message sizes stops before the one that would pass it") {
    CHECK(texts(ring.read(1, 8)) == std::vector<std::string>{"aaa", "bbb"});
  }
  SUBCASE("a limit smaller than one message still gives one") {
    CHECK(texts(ring.read(2, 1)) == std::vector<std::string>{"bbb"});
    CHECK(texts(ring.read(2, 0)) == std::vector<std::string>{"bbb"});
  }
  SUBCASE("reading in chunks from the start gives every message once") {
    std::vector<std::string> got;
    std::uint64_t from = 1;
    for (int rounds = 0; rounds < 10; ++rounds) {
      const auto slice = ring.read(from, 4);
      if (slice.messages.empty()) break;
      CHECK(slice.messages.size() == 1);
      CHECK(slice.first == from);
      for (const auto& text : texts(slice)) got.push_back(text);
      from = slice.first + slice.messages.size();
    }
    CHECK(got == std::vector<std::string>{"aaa", "bbb", "ccc", "ddd", "eee"});
  }
}

TEST_CASE("history_ring: the messages read share their bytes with the kept ones") {
  history_ring ring(history_limits{});
  append(ring, "shared");
  const auto one = ring.read(1, everything);
  const auto two = ring.read(1, everything);
  REQUIRE(one.messages.size() == 1);
  REQUIRE(two.messages.size() == 1);
  CHECK(one.messages[0].data().data() == two.messages[0].data().data());
}

// stream_start(own_incarnation, seen_incarnation, wanted_next, history, oldest, next).
TEST_CASE("stream_start: a subscriber that saw this incarnation resumes after the last it saw") {
  CHECK(stream_start(7, 7, 5, 0, 1, 10) == 5);
  CHECK(stream_start(7, 7, 5, 100, 1, 10) == 5);  // history is only for a fresh subscriber
  CHECK(stream_start(7, 7, 10, 0, 1, 10) == 10);  // saw everything: nothing to resend
  CHECK(stream_start(7, 7, 1, 0, 1, 10) == 1);
}

TEST_CASE("stream_start: resuming is clamped to what the ring holds") {
  // The messages it wants were forgotten: from the oldest kept.
  CHECK(stream_start(7, 7, 2, 0, 4, 10) == 4);
  // It wants messages that were never published (a stale or lying peer): from next.
  CHECK(stream_start(7, 7, 50, 0, 1, 10) == 10);
}

TEST_CASE("stream_start: a subscriber that saw another incarnation gets everything this one published") {
  CHECK(stream_start(7, 3, 5, 0, 1, 10) == 1);
  CHECK(stream_start(7, 3, 500, 0, 1, 10) == 1);  // its number means nothing here
  CHECK(stream_start(7, 3, 5, 2, 1, 10) == 1);    // nor does history
  // ...clamped to the oldest message kept.
  CHECK(stream_start(7, 3, 5, 0, 6, 10) == 6);
  // ...and to next when nothing is kept.
  CHECK(stream_start(7, 3, 5, 0, 10, 10) == 10);
}

TEST_CASE("stream_start: once the incarnation is no longer young another one's subscriber is a new subscriber") {
  // replay_to_earlier false: history_limits::restart_replay has passed since it began.
  CHECK(stream_start(7, 3, 5, 0, 1, 10, false) == 10);   // no history asked: from now on
  CHECK(stream_start(7, 3, 5, 2, 1, 10, false) == 8);    // the 2 it asked for
  CHECK(stream_start(7, 3, 500, 100, 4, 10, false) == 4);  // at most what is kept
  // Its own incarnation's numbers still hold, however old.
  CHECK(stream_start(7, 7, 5, 0, 1, 10, false) == 5);
  CHECK(stream_start(7, 7, 0, 0, 1, 10, false) == 1);
}

TEST_CASE("stream_start: a subscriber that saw this incarnation but no message yet gets all of it") {
  // ATTACH's sequence 0 means "none yet": the same as having seen an earlier incarnation.
  CHECK(stream_start(7, 7, 0, 0, 1, 10) == 1);
  CHECK(stream_start(7, 7, 0, 0, 4, 10) == 4);
}

TEST_CASE("stream_start: a fresh subscriber gets the latest history messages") {
  CHECK(stream_start(7, 0, 0, 0, 1, 10) == 10);  // no history: only what comes next
  CHECK(stream_start(7, 0, 0, 1, 1, 10) == 9);
  CHECK(stream_start(7, 0, 0, 3, 1, 10) == 7);
  CHECK(stream_start(7, 0, 0, 9, 1, 10) == 1);  // exactly everything published
  // A number it sends without an incarnation means nothing.
  CHECK(stream_start(7, 0, 5, 3, 1, 10) == 7);
}

TEST_CASE("stream_start: a fresh subscriber asking for more history than exists gets what is kept") {
  CHECK(stream_start(7, 0, 0, 100, 1, 10) == 1);   // more than was published
  CHECK(stream_start(7, 0, 0, 100, 6, 10) == 6);   // more than is kept
  CHECK(stream_start(7, 0, 0, 5, 8, 10) == 8);     // 5 asked, only 2 kept
  CHECK(stream_start(7, 0, 0, 100, 1, 1) == 1);    // nothing published yet
  CHECK(stream_start(7, 0, 0, 0xFFFF'FFFF, 1, 1) == 1);
  CHECK(stream_start(7, 0, 0, 0xFFFF'FFFF, 3, 3) == 3);  // numbered but nothing kept
}

TEST_CASE("stream_start: agrees with a ring it reads from") {
  history_ring ring(history_limits{.max_messages = 3, .max_bytes = everything});
  for (const char* text : {"a", "b", "c", "d", "e"}) append(ring, text);  // keeps 3 4 5
  const auto start = stream_start(7, 0, 0, 2, ring.oldest(), ring.next());
  CHECK(start == 4);
  CHECK(texts(ring.read(start, everything)) == std::vector<std::string>{"d", "e"});
}

TEST_CASE("history_ring: restored from an earlier run it numbers on and keeps the unbroken run before next") {
  std::vector<message> recent;
  for (std::uint64_t number : {3, 5, 6, 7}) {
    recent.emplace_back(std::string_view("m" + std::to_string(number)));
    recent.back().set_sequence(number);
  }
  history_ring ring({.max_messages = everything, .max_bytes = everything}, 8, recent);
  CHECK(ring.next() == 8);
  CHECK(ring.oldest() == 5);  // 3 is cut off from the run by the missing 4
  CHECK(texts(ring.read(1, everything)) == std::vector<std::string>{"m5", "m6", "m7"});
  CHECK(append(ring, "m8") == 8);

  history_ring behind({.max_messages = 2, .max_bytes = everything}, 20, recent);  // recent ends too early
  CHECK(behind.next() == 20);
  CHECK(behind.read(1, everything).messages.empty());
  CHECK(append(behind, "x") == 20);
}

TEST_CASE("history_ring: the first message kept since a time - none kept since then is next") {
  using namespace std::chrono_literals;
  const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'764'770'000));
  history_ring ring(history_limits{.max_messages = 4, .max_bytes = everything});
  CHECK(ring.first_since(t0) == 1);
  for (int i = 1; i <= 6; ++i) {
    message m("m");
    ring.append(m, t0 + std::chrono::seconds(i));
  }  // keeps 3 4 5 6, appended at t0 + 3 s ... t0 + 6 s
  CHECK(ring.first_since(t0) == 3);  // older ones are gone: the oldest kept
  CHECK(ring.first_since(t0 + 4s) == 4);
  CHECK(ring.first_since(t0 + 4500ms) == 5);
  CHECK(ring.first_since(t0 + 6s) == 6);
  CHECK(ring.first_since(t0 + 7s) == 7);
}

TEST_CASE("stream_start: a new subscriber asking since a time starts there - with a history count at most that many") {
  CHECK(stream_start(7, 0, 0, 0, 1, 100, true, 40) == 40);
  CHECK(stream_start(7, 0, 0, 10, 1, 100, true, 40) == 90);   // the latest 10 of those since
  CHECK(stream_start(7, 0, 0, 80, 1, 100, true, 40) == 40);   // fewer than 80 since
  CHECK(stream_start(7, 0, 0, 0, 50, 100, true, 40) == 50);   // never before the oldest held
  CHECK(stream_start(7, 0, 0, 0, 1, 100, true, 100) == 100);  // nothing since
  CHECK(stream_start(7, 7, 60, 0, 1, 100, true, 40) == 60);   // a resuming subscriber resumes
}

}  // TEST_SUITE
