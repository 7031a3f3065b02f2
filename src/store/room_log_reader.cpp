#include "store/room_log_reader.hpp"

#include "store/room_log.hpp"
#include "store/sqlite_statement.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace imchat::store {

namespace {
// SQLite's integers are signed: a bound beyond them is "no bound".
std::uint64_t as_bound(std::uint64_t below) { return std::min<std::uint64_t>(below, INT64_MAX); }

// An operator's sqlite3 or the room's checkpoint may hold a lock for a moment; an I/O
// thread waits no longer than this for it.
constexpr int busy_timeout_ms = 1000;
}  // namespace

room_log_reader::room_log_reader(const std::filesystem::path& log_file) : path_(log_file) {
  if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    const auto why = fmt::format("cannot open the room's log {} to read: {}", path_.string(),
                                 db_ ? sqlite3_errmsg(db_) : "out of memory");
    sqlite3_close(db_);
    throw log_error(why);
  }
  sqlite3_busy_timeout(db_, busy_timeout_ms);
}

room_log_reader::~room_log_reader() { sqlite3_close(db_); }

void room_log_reader::report(const char* doing) {
  spdlog::error("cannot {} the room's log {}: {}", doing, path_.string(), sqlite3_errmsg(db_));
}

archive::slice room_log_reader::read(std::uint64_t from, std::uint64_t below, std::size_t max_bytes) {
  std::lock_guard lock(mutex_);
  slice out{.first = below, .messages = {}};
  sqlite_statement query(db_, "SELECT seq, body FROM messages WHERE seq >= ? AND seq < ? ORDER BY seq");
  if (!query.ok()) {
    report("read");
    return out;
  }
  query.bind(1, from).bind(2, as_bound(below));
  std::size_t bytes = 0;
  int step;
  while ((step = query.step()) == SQLITE_ROW) {
    const auto body = query.bytes_at(1);
    if (!out.messages.empty() && bytes + body.size() > max_bytes) break;
    bytes += body.size();
    const auto seq = query.unsigned_at(0);
    if (out.messages.empty())
      out.first = seq;
    else if (seq != out.messages.back().sequence() + 1)
      break;  // a hole (never written so): what follows it is read next time, and seen as lost
    out.messages.emplace_back(body).set_sequence(seq);
  }
  if (step != SQLITE_ROW && step != SQLITE_DONE) {
    report("read");
    if (out.messages.empty()) out.first = below;
  }
  return out;
}

std::uint64_t room_log_reader::oldest_or(std::uint64_t none) {
  sqlite_statement query(db_, "SELECT seq FROM messages ORDER BY seq LIMIT 1");
  const int step = query.ok() ? query.step() : SQLITE_ERROR;
  if (step == SQLITE_ROW) return query.unsigned_at(0);
  if (step != SQLITE_DONE) report("read");
  return none;
}

std::uint64_t room_log_reader::oldest() {
  std::lock_guard lock(mutex_);
  sqlite_statement next(db_, "SELECT next FROM room");
  const int step = next.ok() ? next.step() : SQLITE_ERROR;
  if (step != SQLITE_ROW) {
    report("read");
    return UINT64_MAX;  // nothing older than the exchange's own history
  }
  return oldest_or(next.unsigned_at(0));
}

std::uint64_t room_log_reader::first_since(std::chrono::system_clock::time_point time, std::uint64_t below) {
  std::lock_guard lock(mutex_);
  const auto wanted = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  // The numbers run without a hole from the oldest on, and the times go up with them (but
  // for a clock set back): a binary search by number, one row read per step.
  sqlite_statement at(db_, "SELECT at FROM messages WHERE seq = ?");
  if (!at.ok()) {
    report("read");
    return below;
  }
  std::uint64_t low = oldest_or(below), high = as_bound(below);
  while (low < high) {
    const auto middle = low + (high - low) / 2;
    at.bind(1, middle);
    const int step = at.step();
    const bool earlier = step == SQLITE_ROW && at.signed_at(0) < wanted;
    if (step != SQLITE_ROW && step != SQLITE_DONE) report("read");
    at.reset();
    if (step != SQLITE_ROW) return middle;  // dropped meanwhile by the retention: start there
    if (earlier)
      low = middle + 1;
    else
      high = middle;
  }
  return low;
}

}  // namespace imchat::store
