// A room's log on real files: what a restarted room reads back, what it refuses to open,
// retention, a torn tail after a crash, and a full disk (a small tmpfs).

#include "store/room_log.hpp"

#include "support/scratch_directory.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

using imchat::message;
using imchat::stream_record;
using imchat::store::fsync_policy;
using imchat::store::log_error;
using imchat::store::retention;
using imchat::store::room_log;
using imchat::test::scratch_directory;

namespace {

std::vector<message> texts(std::initializer_list<std::string_view> lines) {
  std::vector<message> out;
  for (auto line : lines) out.emplace_back(line);
  return out;
}

std::vector<std::string> texts_of(const std::vector<message>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.emplace_back(m.text());
  return out;
}

std::vector<std::uint64_t> numbers_of(const std::vector<message>& messages) {
  std::vector<std::uint64_t> out;
  for (const auto& m : messages) out.push_back(m.sequence());
  return out;
}

// What opening the log in `directory` for `room` throws ("" if it opens).
std::string open_error(const std::filesystem::path& directory, std::string_view room) {
  try {
    room_log log(directory, room, fsync_policy::second);
  } catch (const log_error& e) {
    return e.what();
  }
  return "";
}

void run_sql(const std::filesystem::path& file, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

constexpr auto lots = std::size_t{1} << 30;
const imchat::wire::stream_secret alice_secret{0x0123456789abcdef, 0xfedcba9876543210};

}  // namespace

TEST_SUITE("store") {

TEST_CASE("room log: a new log numbers from 1 and a reopened one goes on - incarnation and streams kept") {
  scratch_directory scratch("room-log");
  std::uint64_t incarnation = 0;
  {
    room_log log(scratch.path() / "cheese", "cheese", fsync_policy::always);
    CHECK(log.next() == 1);
    CHECK(log.size() == 0);
    CHECK(log.oldest() == 1);
    CHECK(log.incarnation() != 0);
    incarnation = log.incarnation();
    log.append(texts({"one", "two"}), std::vector<stream_record>{{~std::uint64_t{0}, alice_secret, 3}});
    log.append(texts({"three"}), std::vector<stream_record>{{~std::uint64_t{0}, alice_secret, 4}, {5, {1, 2}, 9}});
    CHECK(log.next() == 4);
  }
  CHECK(std::filesystem::status(scratch.path() / "cheese").permissions() == std::filesystem::perms::owner_all);
  room_log log(scratch.path() / "cheese", "cheese", fsync_policy::second);
  CHECK(log.incarnation() == incarnation);
  CHECK(log.next() == 4);
  CHECK(log.size() == 3);
  auto streams = log.streams();
  std::sort(streams.begin(), streams.end(), [](auto& a, auto& b) { return a.stream < b.stream; });
  CHECK(streams == std::vector<stream_record>{{5, {1, 2}, 9}, {~std::uint64_t{0}, alice_secret, 4}});
  const auto all = log.latest(100, lots);
  CHECK(texts_of(all) == std::vector<std::string>{"one", "two", "three"});
  CHECK(numbers_of(all) == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(texts_of(log.latest(2, lots)) == std::vector<std::string>{"two", "three"});
  CHECK(texts_of(log.latest(100, 8)) == std::vector<std::string>{"two", "three"});  // 3 + 5 bytes
  CHECK(texts_of(log.latest(100, 1)) == std::vector<std::string>{"three"});          // the newest always
  CHECK(log.latest(0, lots).empty());
}

TEST_CASE("room log: another program's database - a file that is none - another room's log - are refused in words") {
  scratch_directory scratch("room-log");
  const auto foreign = scratch.path() / "foreign";
  std::filesystem::create_directories(foreign);
  run_sql(foreign / "room.db", "CREATE TABLE accounts(id INTEGER)");
  CHECK(open_error(foreign, "cheese") == (foreign / "room.db").string() +
                                             " is not an imchat room's log (another program's database)");

  const auto garbage = scratch.path() / "garbage";
  std::filesystem::create_directories(garbage);
  imchat::test::write_file(garbage / "room.db", std::string(4096, 'x'));
  CHECK(open_error(garbage, "cheese") ==
        "cannot open the room's log " + (garbage / "room.db").string() + ": file is not a database");

  { room_log log(scratch.path() / "lobby", "lobby", fsync_policy::never); }
  CHECK(open_error(scratch.path() / "lobby", "cheese") ==
        (scratch.path() / "lobby" / "room.db").string() + " is the log of the room 'lobby', not of 'cheese'");

  run_sql(scratch.path() / "lobby" / "room.db", "PRAGMA user_version=7");
  CHECK(open_error(scratch.path() / "lobby", "lobby") ==
        (scratch.path() / "lobby" / "room.db").string() +
            " is a room's log in format 7, which this imchat does not know (it knows 2)");
}

TEST_CASE("room log: a truncated file is refused in words - never taken for an empty log") {
  scratch_directory scratch("room-log");
  {
    room_log log(scratch.path(), "r", fsync_policy::never);
    std::vector<message> batch;
    for (int i = 0; i < 2000; ++i) batch.emplace_back(std::string(100, 'm'));
    log.append(batch, {});
  }  // closed: checkpointed into room.db, no WAL left
  const auto file = scratch.path() / "room.db";
  REQUIRE_FALSE(std::filesystem::exists(scratch.path() / "room.db-wal"));
  std::filesystem::resize_file(file, std::filesystem::file_size(file) / 2);
  std::string why;
  try {
    room_log log(scratch.path(), "r", fsync_policy::never);
    CHECK(log.next() == 2001);  // what the room's record says, not a new log's 1
    (void)log.latest(10'000, lots);  // what a room loads when it starts
  } catch (const log_error& e) {
    why = e.what();
  }
  CHECK(why.find("database disk image is malformed") != std::string::npos);
}

TEST_CASE("room log: one room at a time - a second open is refused while the first has it") {
  scratch_directory scratch("room-log");
  auto first = std::make_unique<room_log>(scratch.path(), "cheese", fsync_policy::second);
  CHECK(open_error(scratch.path(), "cheese") ==
        "another room has the log " + (scratch.path() / "room.db").string() + " open");
  first.reset();
  CHECK(open_error(scratch.path(), "cheese").empty());
}

TEST_CASE("room log: retention by count - by bytes - by age - the newest always kept and numbering unchanged") {
  scratch_directory scratch("room-log");
  const auto now = std::chrono::system_clock::now();
  SUBCASE("count") {
    room_log log(scratch.path(), "r", fsync_policy::never, retention{.max_messages = 2, .max_bytes = 0});
    log.append(texts({"a", "b", "c", "d"}), {}, now);
    log.tick(now);
    CHECK(texts_of(log.latest(10, lots)) == std::vector<std::string>{"c", "d"});
    CHECK(log.oldest() == 3);
    CHECK(log.next() == 5);
  }
  SUBCASE("bytes") {
    room_log log(scratch.path(), "r", fsync_policy::never, retention{.max_bytes = 10});
    log.append(texts({"aaaa", "bbbb", "cccc"}), {}, now);  // 12 bytes
    log.tick(now);
    CHECK(texts_of(log.latest(10, lots)) == std::vector<std::string>{"bbbb", "cccc"});
    log.append(texts({std::string(50, 'z')}), {}, now);
    log.tick(now);
    CHECK(log.size() == 1);
    CHECK(log.oldest() == 4);
  }
  SUBCASE("age") {
    room_log log(scratch.path(), "r", fsync_policy::never, retention{.max_bytes = 0, .max_age = std::chrono::hours(24)});
    log.append(texts({"old", "older"}), {}, now - std::chrono::hours(49));
    log.append(texts({"yesterday"}), {}, now - std::chrono::hours(23));
    log.append(texts({"today"}), {}, now);
    log.tick(now);
    CHECK(texts_of(log.latest(10, lots)) == std::vector<std::string>{"yesterday", "today"});
    log.tick(now + std::chrono::hours(30));
    CHECK(texts_of(log.latest(10, lots)) == std::vector<std::string>{});
    CHECK(log.next() == 5);
  }
  // Reopened: what was dropped stays dropped, and the numbering goes on.
  room_log again(scratch.path(), "r", fsync_policy::never, retention{.max_bytes = 0});
  CHECK(again.next() == 5);
  again.append(texts({"e"}), {});
  CHECK(numbers_of(again.latest(1, lots)) == std::vector<std::uint64_t>{5});
}

TEST_CASE("room log: a room killed in the middle of writing - and a torn tail - keeps every batch committed before") {
  scratch_directory scratch("room-log");
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // As a room would, then killed: no close, no checkpoint.
    try {
      room_log log(scratch.path(), "r", fsync_policy::never);
      for (int batch = 0; batch < 50; ++batch) log.append(texts({"x", "y"}), {});
      ::raise(SIGKILL);
    } catch (...) {
    }
    _exit(2);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  const auto wal = scratch.path() / "room.db-wal";
  REQUIRE(std::filesystem::exists(wal));
  SUBCASE("as left") {
    room_log log(scratch.path(), "r", fsync_policy::never);
    CHECK(log.next() == 101);
    CHECK(log.size() == 100);
  }
  SUBCASE("the last write torn") {
    std::filesystem::resize_file(wal, std::filesystem::file_size(wal) - 100);
    room_log log(scratch.path(), "r", fsync_policy::never);
    CHECK(log.next() == 99);  // the last batch's commit frame is gone: that batch was never acknowledged
    const auto all = log.latest(1000, lots);
    CHECK(all.size() == 98);
    CHECK(all.back().sequence() == 98);
  }
}

TEST_CASE("room log: a full disk fails the batch in words and logs none of it - the log carries on once there is room") {
  scratch_directory scratch("room-log");
  const auto disk = scratch.path() / "disk";
  std::filesystem::create_directories(disk);
  REQUIRE_MESSAGE(::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=512k") == 0, "tests run as root: mount a tmpfs");
  // Something else on the disk, which the operator deletes to make room.
  const auto filler = disk / "filler";
  imchat::test::write_file(filler, std::string(128 * 1024, 'f'));
  {
    room_log log(disk / "r", "r", fsync_policy::always, retention{.max_bytes = 0});
    log.append(texts({"before"}), {});
    const std::string big(4096, 'b');
    bool full = false;
    std::string why;
    std::uint64_t next_before_failure = 0;
    for (int i = 0; i < 1000 && !full; ++i) {
      next_before_failure = log.next();
      try {
        log.append(texts({big, big, big, big}), {});
      } catch (const log_error& e) {
        full = e.disk_full();
        why = e.what();
      }
    }
    REQUIRE(full);
    CHECK(why.find("(the disk is full)") != std::string::npos);
    CHECK(log.next() == next_before_failure);  // the failed batch took no numbers
    CHECK(log.latest(1, lots).at(0).sequence() == next_before_failure - 1);

    // Room again: the same batch goes in, numbered where the failed one would have been.
    std::filesystem::remove(filler);
    log.append(texts({"after"}), {});
    CHECK(log.next() == next_before_failure + 1);
  }
  {
    room_log reopened(disk / "r", "r", fsync_policy::always, retention{.max_bytes = 0});
    const auto last = reopened.latest(1, lots);
    REQUIRE(last.size() == 1);
    CHECK(last[0].text() == "after");
    CHECK(reopened.latest(1000, lots).front().text() == "before");
  }
  CHECK(::umount2(disk.c_str(), MNT_DETACH) == 0);
}

TEST_CASE("room log: stream records idle too long go - and the longest idle beyond the bound - the rest stay") {
  scratch_directory scratch("room-log");
  using namespace std::chrono_literals;
  const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'764'770'000));
  room_log log(scratch.path(), "r", fsync_policy::never,
               retention{.max_bytes = 0, .stream_idle_age = std::chrono::hours(1), .max_streams = 3});
  // Streams 1..5 last stored at t0 + 1 min ... t0 + 5 min.
  for (std::uint64_t stream = 1; stream <= 5; ++stream) {
    const stream_record record{stream, {stream, stream}, 10 + stream};
    log.append({}, std::span(&record, 1), t0 + std::chrono::minutes(stream));
  }
  // streams() gives the most recently active only, even before any trim.
  std::vector<std::uint64_t> loaded;
  for (const auto& record : log.streams()) loaded.push_back(record.stream);
  std::sort(loaded.begin(), loaded.end());
  CHECK(loaded == std::vector<std::uint64_t>{3, 4, 5});

  log.tick(t0 + 10min);  // beyond the bound: 1 and 2 go
  CHECK(log.streams().size() == 3);
  const stream_record again{3, {3, 3}, 20};
  log.append({}, std::span(&again, 1), t0 + 64min);  // 3 active again
  log.tick(t0 + 64min + 30s);  // within the minute since the last check: nothing happens
  log.tick(t0 + 66min);  // 4 and 5 idle for more than an hour
  const auto kept = log.streams();
  REQUIRE(kept.size() == 1);
  CHECK(kept.front() == again);
}

TEST_CASE("room log: a log of format 1 is upgraded in place - its stream records kept") {
  scratch_directory scratch("room-log");
  const stream_record alice{42, alice_secret, 7};
  {
    room_log log(scratch.path(), "r", fsync_policy::never);
    log.append(texts({"one", "two"}), std::span(&alice, 1));
  }
  // What format 1 was: no time per stream.
  run_sql(scratch.path() / "room.db", "ALTER TABLE streams DROP COLUMN at; PRAGMA user_version=1");
  room_log log(scratch.path(), "r", fsync_policy::never);
  CHECK(log.streams() == std::vector<stream_record>{alice});
  CHECK(log.size() == 2);
  log.tick();  // the upgraded records count as active now: none goes
  CHECK(log.streams().size() == 1);
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((scratch.path() / "room.db").c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* version = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &version, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(version) == SQLITE_ROW);
  CHECK(sqlite3_column_int(version, 0) == 2);
  sqlite3_finalize(version);
  sqlite3_close(db);
}

}  // TEST_SUITE
