// A room's log as its exchange's archive (src/store/room_log_reader.hpp), on real files:
// reads by number within bounds, times, what the retention dropped, a log written while
// it is read; and an exchange whose history is short, reading the rest from it.

#include "store/room_log_reader.hpp"

#include "kernel/detail/exchange.hpp"
#include "store/room_log.hpp"
#include "support/scratch_directory.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

using imchat::message;
using imchat::store::fsync_policy;
using imchat::store::retention;
using imchat::store::room_log;
using imchat::store::room_log_reader;
using imchat::test::scratch_directory;
using namespace std::chrono_literals;

namespace {

const auto start_time = std::chrono::system_clock::time_point(std::chrono::seconds(1'764'770'000));

// Logs "line N" for N in [first, last], one per second of start_time + N s.
void log_lines(room_log& log, int first, int last) {
  for (int n = first; n <= last; ++n) {
    const std::string text = "line " + std::to_string(n);
    const std::vector<message> one{message(text)};
    log.append(one, {}, start_time + std::chrono::seconds(n));
  }
}

std::vector<std::uint64_t> numbers_of(const std::vector<message>& messages) {
  std::vector<std::uint64_t> out;
  for (const auto& m : messages) out.push_back(m.sequence());
  return out;
}

TEST_CASE("the log reads by number - from where asked - below the bound - about so many bytes") {
  scratch_directory scratch("reader");
  room_log log(scratch.path(), "cheese", fsync_policy::never);
  room_log_reader reader(log.path());
  CHECK(reader.oldest() == 1);  // empty: the next number
  CHECK(reader.read(1, 1, 1000).messages.empty());

  log_lines(log, 1, 100);
  CHECK(reader.oldest() == 1);
  auto slice = reader.read(10, 101, 1 << 20);
  CHECK(slice.first == 10);
  REQUIRE(slice.messages.size() == 91);
  CHECK(slice.messages.front().text() == "line 10");
  CHECK(slice.messages.back().sequence() == 100);
  CHECK(reader.read(10, 20, 1 << 20).messages.size() == 10);   // never at or past `below`
  CHECK(reader.read(10, 101, 20).messages.size() == 2);         // "line 10" and "line 11": 7 bytes each
  CHECK(reader.read(10, 101, 1).messages.size() == 1);          // at least one
  const auto none = reader.read(101, 120, 1000);
  CHECK(none.messages.empty());
  CHECK(none.first == 120);
}

TEST_CASE("what the retention dropped is where the log's messages start") {
  scratch_directory scratch("reader");
  room_log log(scratch.path(), "cheese", fsync_policy::never, retention{.max_messages = 30});
  room_log_reader reader(log.path());
  log_lines(log, 1, 100);
  log.tick();
  CHECK(reader.oldest() == 71);
  const auto slice = reader.read(5, 101, 1 << 20);
  CHECK(slice.first == 71);
  CHECK(slice.messages.size() == 30);
  CHECK(reader.first_since(start_time, 101) == 71);
}

TEST_CASE("the first message since a time - by binary search over the numbers") {
  scratch_directory scratch("reader");
  room_log log(scratch.path(), "cheese", fsync_policy::never);
  room_log_reader reader(log.path());
  CHECK(reader.first_since(start_time, 1) == 1);
  log_lines(log, 1, 1000);
  CHECK(reader.first_since(start_time, 1001) == 1);
  CHECK(reader.first_since(start_time + 1s, 1001) == 1);
  CHECK(reader.first_since(start_time + 1500ms, 1001) == 2);
  CHECK(reader.first_since(start_time + 777s, 1001) == 777);
  CHECK(reader.first_since(start_time + 1000s, 1001) == 1000);
  CHECK(reader.first_since(start_time + 1001s, 1001) == 1001);
  CHECK(reader.first_since(start_time + 900s, 800) == 800);  // within the bound
}

TEST_CASE("the log is read while the room writes it - each read sees whole batches") {
  scratch_directory scratch("reader");
  room_log log(scratch.path(), "cheese", fsync_policy::never);
  room_log_reader reader(log.path());
  std::atomic<bool> done = false;
  std::atomic<std::uint64_t> reads = 0, bad = 0;
  // The writer waits for a read now and then: appending is fast enough to end before the
  // reading thread starts, and reads that never overlap the writes test nothing.
  const auto wait_for_reads = [&](std::uint64_t more) {
    const auto target = reads.load() + more;
    while (reads.load() < target) std::this_thread::yield();
  };
  std::thread reading([&] {
    while (!done) {
      const auto slice = reader.read(1, UINT64_MAX, 1 << 16);  // all of it: 2,000 lines of 9 bytes or so
      if (slice.messages.size() % 10 != 0) ++bad;
      for (std::size_t i = 0; i < slice.messages.size(); ++i)
        if (slice.messages[i].sequence() != slice.first + i ||
            slice.messages[i].text() != "line " + std::to_string(slice.first + i))
          ++bad;
      ++reads;
    }
  });
  wait_for_reads(1);
  for (int batch = 0; batch < 200; ++batch) {
    if (batch % 20 == 0) wait_for_reads(1);
    std::vector<message> ten;
    for (int n = batch * 10 + 1; n <= batch * 10 + 10; ++n) ten.emplace_back("line " + std::to_string(n));
    log.append(ten, {});
  }
  wait_for_reads(1);
  done = true;
  reading.join();
  CHECK(reads > 10);
  CHECK(bad == 0);
  CHECK(reader.read(1991, UINT64_MAX, 1 << 16).messages.size() == 10);
}

TEST_CASE("an exchange whose history keeps 10 messages sends the rest from its archive") {
  scratch_directory scratch("reader");
  room_log log(scratch.path(), "cheese", fsync_policy::never);
  log_lines(log, 1, 500);
  auto archive = std::make_shared<room_log_reader>(log.path());
  const imchat::exchange_state state{.incarnation = log.incarnation(),
                                     .next = log.next(),
                                     .recent = log.latest(10, 1 << 20),
                                     .archive = archive};
  imchat::detail::exchange out("E_cheese", imchat::scope::global, {.max_messages = 10, .max_bytes = 1 << 20}, state);
  CHECK(out.history().oldest() == 491);
  CHECK(out.oldest() == 1);
  CHECK(out.first_since(start_time + 250s) == 250);

  // From the archive up to where the history starts, then from the history: no hole, no
  // message twice, and nothing the exchange has not numbered yet.
  std::vector<std::uint64_t> got;
  for (std::uint64_t from = 1; from < out.history().next();) {
    auto slice = out.read(from, 1000);
    REQUIRE(slice.first == from);
    REQUIRE(!slice.messages.empty());
    for (const auto& m : slice.messages) got.push_back(m.sequence());
    from += slice.messages.size();
  }
  REQUIRE(got.size() == 500);
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == i + 1);

  // Stored but not sent yet: not given before the exchange numbers it.
  log_lines(log, 501, 501);
  CHECK(numbers_of(out.read(495, 1 << 20).messages).back() == 500);
  message next("line 501");
  CHECK(out.send(next));
  CHECK(numbers_of(out.read(495, 1 << 20).messages).back() == 501);
}

}  // namespace
