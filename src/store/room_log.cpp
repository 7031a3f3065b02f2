#include "store/room_log.hpp"

#include "store/sqlite_statement.hpp"
#include "util/random_id.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace imchat::store {

namespace {

// PRAGMA application_id: "imch", so that `file` and the log itself know what it is.
constexpr std::int64_t application_id = 0x696d6368;
constexpr std::int64_t schema_version = 2;  // 2: streams.at

constexpr const char* schema = R"sql(
CREATE TABLE room(
  name TEXT NOT NULL,
  incarnation INTEGER NOT NULL,   -- the exchange's, bit for bit as a signed number
  next INTEGER NOT NULL,          -- the number the next message gets
  bytes INTEGER NOT NULL          -- the size of the bodies in messages
);
CREATE TABLE messages(
  seq INTEGER PRIMARY KEY,        -- the room's exchange numbered it so
  at INTEGER NOT NULL,            -- received, in milliseconds since 1970 (UTC)
  body BLOB NOT NULL              -- as relayed, timestamp first
);
CREATE TABLE streams(
  stream INTEGER PRIMARY KEY,     -- a publisher's identity
  secret BLOB NOT NULL,           -- what proves it (16 bytes)
  next INTEGER NOT NULL,          -- the number of its next message: all before are stored
  at INTEGER NOT NULL DEFAULT 0   -- last stored, in milliseconds since 1970 (UTC)
);
)sql";

std::int64_t milliseconds_since_epoch(std::chrono::system_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

std::array<std::byte, 16> bytes_of(const wire::stream_secret& secret) {
  std::array<std::byte, 16> out{};
  for (int i = 0; i < 8; ++i) {
    out[static_cast<std::size_t>(i)] = static_cast<std::byte>(secret.high >> (56 - 8 * i));
    out[static_cast<std::size_t>(8 + i)] = static_cast<std::byte>(secret.low >> (56 - 8 * i));
  }
  return out;
}

wire::stream_secret secret_from(std::span<const std::byte> bytes) {
  wire::stream_secret secret;
  if (bytes.size() != 16) return secret;
  for (int i = 0; i < 8; ++i) {
    secret.high = (secret.high << 8) | std::to_integer<std::uint64_t>(bytes[static_cast<std::size_t>(i)]);
    secret.low = (secret.low << 8) | std::to_integer<std::uint64_t>(bytes[static_cast<std::size_t>(8 + i)]);
  }
  return secret;
}

}  // namespace

room_log::room_log(const std::filesystem::path& directory, std::string_view room, fsync_policy fsync, retention keep)
    : path_(directory / "room.db"), fsync_(fsync), keep_(keep) {
  std::error_code ec;
  if (std::filesystem::create_directories(directory, ec))
    std::filesystem::permissions(directory, std::filesystem::perms::owner_all, ec);
  if (ec) throw log_error(fmt::format("cannot create the state directory {}: {}", directory.string(), ec.message()));

  // One room per log: a second would interleave its numbering with the first's.
  const auto lock_path = directory / "room.lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) throw log_error(fmt::format("cannot open {}: {}", lock_path.string(), std::strerror(errno)));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int why = errno;
    ::close(lock_fd_);
    if (why == EWOULDBLOCK)
      throw log_error(fmt::format("another room has the log {} open", path_.string()), log_error::kind::in_use);
    throw log_error(fmt::format("cannot lock {}: {}", lock_path.string(), std::strerror(why)));
  }
  const bool is_new = !std::filesystem::exists(path_, ec);
  try {
    if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK)
      fail("open");
    // Only the room's user reads what was said (SQLite gives its -wal and -shm files the
    // same mode).
    using std::filesystem::perms;
    if (is_new) std::filesystem::permissions(path_, perms::owner_read | perms::owner_write, ec);
    // An operator's sqlite3 reading the log may hold a lock for a moment.
    sqlite3_busy_timeout(db_, 5000);
    sqlite3_extended_result_codes(db_, 1);
    create_or_check(room);
  } catch (...) {
    sqlite3_close(db_);
    ::close(lock_fd_);
    throw;
  }
}

room_log::~room_log() {
  insert_message_.reset();
  record_stream_.reset();
  update_room_.reset();
  // A destructor must not throw: a sync that fails here leaves what the OS has, which
  // is all that was promised without fsync_policy::always.
  try {
    if (fsync_ != fsync_policy::never && unsynced_) sync_wal();
  } catch (const log_error&) {
  }
  sqlite3_close(db_);
  ::close(lock_fd_);
}

log_error room_log::error(std::string_view doing) const {
  const int code = db_ ? sqlite3_extended_errcode(db_) : SQLITE_CANTOPEN;
  const bool full = (code & 0xff) == SQLITE_FULL;
  return log_error(fmt::format("cannot {} the room's log {}: {}{}", doing, path_.string(),
                               db_ ? sqlite3_errmsg(db_) : "out of memory", full ? " (the disk is full)" : ""),
                   full ? log_error::kind::disk_full : log_error::kind::other);
}

void room_log::fail(std::string_view doing) const { throw error(doing); }

void room_log::roll_back_and_fail(std::string_view doing) const {
  auto why = error(doing);  // before ROLLBACK replaces SQLite's last error
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  throw why;
}

void room_log::execute(const char* sql) const {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail("use");
}

void room_log::create_or_check(std::string_view room) {
  // The first read of a file that is no database fails here, with SQLite's words for it.
  {
    sqlite_statement journal(db_, "PRAGMA journal_mode=WAL");
    if (!journal.ok() || journal.step() != SQLITE_ROW) fail("open");
    if (journal.text_at(0) != "wal")
      throw log_error(fmt::format("cannot use WAL for the room's log {}", path_.string()));
  }  // a statement still stepping would keep COMMIT from happening
  execute(fsync_ == fsync_policy::always   ? "PRAGMA synchronous=FULL"
          : fsync_ == fsync_policy::second ? "PRAGMA synchronous=NORMAL"
                                           : "PRAGMA synchronous=OFF");

  const auto number = [this](const char* sql) {
    sqlite_statement query(db_, sql);
    if (!query.ok() || query.step() != SQLITE_ROW) fail("read");
    return query.signed_at(0);
  };
  const auto id = number("PRAGMA application_id");
  const auto tables = number("SELECT count(*) FROM sqlite_schema");
  if (id == 0 && tables == 0) {
    execute("BEGIN IMMEDIATE");
    execute(schema);
    execute(fmt::format("PRAGMA application_id={}; PRAGMA user_version={}", application_id, schema_version).c_str());
    sqlite_statement insert(db_, "INSERT INTO room(name, incarnation, next, bytes) VALUES(?, ?, 1, 0)");
    if (!insert.ok() || insert.bind(1, room).bind(2, random_id()).step() != SQLITE_DONE) fail("create");
    execute("COMMIT");
  } else if (id != application_id) {
    throw log_error(fmt::format("{} is not an imchat room's log (another program's database)", path_.string()));
  } else if (number("PRAGMA user_version") == 1) {
    upgrade_from_version_1();
  } else if (const auto version = number("PRAGMA user_version"); version != schema_version) {
    throw log_error(fmt::format("{} is a room's log in format {}, which this imchat does not know (it knows {})",
                                path_.string(), version, schema_version));
  }

  sqlite_statement read(db_, "SELECT name, incarnation, next, bytes FROM room");
  if (!read.ok() || read.step() != SQLITE_ROW) fail("read");
  if (read.text_at(0) != room)
    throw log_error(fmt::format("{} is the log of the room '{}', not of '{}'", path_.string(), read.text_at(0), room));
  incarnation_ = read.unsigned_at(1);
  next_ = read.unsigned_at(2);
  bytes_ = read.unsigned_at(3);
}

void room_log::upgrade_from_version_1() {
  // Version 1 kept no time per stream: each gets the full idle age from now.
  execute("BEGIN IMMEDIATE");
  try {
    execute("ALTER TABLE streams ADD COLUMN at INTEGER NOT NULL DEFAULT 0");
    execute(fmt::format("UPDATE streams SET at = {}; PRAGMA user_version = 2",
                        milliseconds_since_epoch(std::chrono::system_clock::now()))
                .c_str());
  } catch (const log_error&) {
    roll_back_and_fail("upgrade");
  }
  execute("COMMIT");
}

std::uint64_t room_log::size() const {
  return next_ - oldest();  // the numbers held run without a hole, from the oldest on
}

std::uint64_t room_log::oldest() const {
  sqlite_statement query(db_, "SELECT seq FROM messages ORDER BY seq LIMIT 1");
  if (!query.ok()) fail("read");
  const int step = query.step();
  if (step == SQLITE_DONE) return next_;
  if (step != SQLITE_ROW) fail("read");
  return query.unsigned_at(0);
}

std::vector<stream_record> room_log::streams() const {
  sqlite_statement query(db_, "SELECT stream, secret, next FROM streams ORDER BY at DESC LIMIT ?");
  if (!query.ok()) fail("read");
  query.bind(1, std::uint64_t{keep_.max_streams});
  std::vector<stream_record> out;
  int step;
  while ((step = query.step()) == SQLITE_ROW)
    out.push_back({query.unsigned_at(0), secret_from(query.bytes_at(1)), query.unsigned_at(2)});
  if (step != SQLITE_DONE) fail("read");
  return out;
}

std::vector<message> room_log::latest(std::size_t max_messages, std::size_t max_bytes) const {
  std::vector<message> out;
  if (max_messages == 0) return out;
  sqlite_statement query(db_, "SELECT seq, body FROM messages ORDER BY seq DESC LIMIT ?");
  if (!query.ok()) fail("read");
  query.bind(1, std::uint64_t{max_messages});
  std::size_t bytes = 0;
  int step;
  while ((step = query.step()) == SQLITE_ROW) {
    const auto body = query.bytes_at(1);
    if (!out.empty() && bytes + body.size() > max_bytes) break;
    bytes += body.size();
    out.emplace_back(body).set_sequence(query.unsigned_at(0));
  }
  if (step != SQLITE_ROW && step != SQLITE_DONE) fail("read");
  std::reverse(out.begin(), out.end());
  return out;
}

void room_log::append(std::span<const message> messages, std::span<const stream_record> streams,
                      std::chrono::system_clock::time_point at) {
  if (messages.empty() && streams.empty()) return;
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) fail("write");
  std::uint64_t next = next_;
  std::uint64_t bytes = bytes_;
  {
    auto& insert = prepared(insert_message_, "INSERT INTO messages(seq, at, body) VALUES(?, ?, ?)");
    for (const auto& m : messages) {
      insert.bind(1, next).bind_signed(2, milliseconds_since_epoch(at)).bind(3, m.data());
      if (insert.step() != SQLITE_DONE) roll_back_and_fail("write");
      insert.reset();
      ++next;
      bytes += m.size();
    }
    auto& record = prepared(record_stream_,
                            "INSERT INTO streams(stream, secret, next, at) VALUES(?, ?, ?, ?) "
                            "ON CONFLICT(stream) DO UPDATE SET secret = excluded.secret, next = excluded.next, "
                            "at = excluded.at");
    for (const auto& stream : streams) {
      const auto secret = bytes_of(stream.secret);
      record.bind(1, stream.stream)
          .bind(2, std::span<const std::byte>(secret))
          .bind(3, stream.next)
          .bind_signed(4, milliseconds_since_epoch(at));
      if (record.step() != SQLITE_DONE) roll_back_and_fail("write");
      record.reset();
    }
    auto& update = prepared(update_room_, "UPDATE room SET next = ?, bytes = ?");
    const bool updated = update.bind(1, next).bind(2, bytes).step() == SQLITE_DONE;
    update.reset();
    if (!updated) roll_back_and_fail("write");
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) roll_back_and_fail("write");
  next_ = next;
  bytes_ = bytes;
  unsynced_ = true;
}

sqlite_statement& room_log::prepared(std::unique_ptr<sqlite_statement>& slot, std::string_view sql) {
  if (!slot) {
    auto statement = std::make_unique<sqlite_statement>(db_, sql);
    if (!statement->ok()) roll_back_and_fail("write");
    slot = std::move(statement);
  }
  slot->reset();  // from wherever a failed transaction left it
  return *slot;
}

void room_log::tick(std::chrono::system_clock::time_point now) {
  if (fsync_ == fsync_policy::second && unsynced_) sync_wal();
  apply_retention(now);
  if (now >= next_stream_check_) {
    forget_idle_streams(now);
    next_stream_check_ = now + std::chrono::minutes(1);
  }
}

void room_log::forget_idle_streams(std::chrono::system_clock::time_point now) {
  // One statement, its own transaction: the idle ones, and the longest idle beyond the bound.
  sqlite_statement drop(db_,
                        "DELETE FROM streams WHERE at < ? OR stream IN "
                        "(SELECT stream FROM streams ORDER BY at DESC LIMIT -1 OFFSET ?)");
  if (!drop.ok()) fail("trim");
  drop.bind_signed(1, milliseconds_since_epoch(now - keep_.stream_idle_age)).bind(2, std::uint64_t{keep_.max_streams});
  if (drop.step() != SQLITE_DONE) fail("trim");
  if (sqlite3_changes(db_) > 0) unsynced_ = true;
}

void room_log::sync_wal() {
  // synchronous=NORMAL commits without syncing the WAL: this is the sync it skipped, on
  // SQLite's own handle of the file.
  sqlite3_file* wal = nullptr;
  if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) == SQLITE_OK && wal && wal->pMethods)
    if (wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL) != SQLITE_OK) fail("sync");
  unsynced_ = false;
}

void room_log::apply_retention(std::chrono::system_clock::time_point now) {
  const auto first = oldest();
  if (first == next_) return;
  std::uint64_t cut = first;  // everything before it goes
  if (keep_.max_messages != 0 && next_ - first > keep_.max_messages) cut = next_ - keep_.max_messages;
  if (keep_.max_age.count() > 0) {
    sqlite_statement young(db_, "SELECT seq FROM messages WHERE seq >= ? AND at >= ? ORDER BY seq LIMIT 1");
    if (!young.ok()) fail("read");
    young.bind(1, cut).bind_signed(2, milliseconds_since_epoch(now - keep_.max_age));
    const int step = young.step();
    if (step == SQLITE_ROW) cut = std::max(cut, young.unsigned_at(0));
    else if (step == SQLITE_DONE) cut = next_;  // all of it is too old
    else fail("read");
  }
  std::uint64_t dropped = cut == first ? 0 : bytes_before(cut);
  if (keep_.max_bytes != 0 && bytes_ - dropped > keep_.max_bytes) {
    // Over the size limit: more of the oldest go, reading only their lengths.
    sqlite_statement sizes(db_, "SELECT seq, length(body) FROM messages WHERE seq >= ? ORDER BY seq");
    if (!sizes.ok()) fail("read");
    sizes.bind(1, cut);
    int step = SQLITE_DONE;
    while (bytes_ - dropped > keep_.max_bytes && (step = sizes.step()) == SQLITE_ROW) {
      const auto seq = sizes.unsigned_at(0);
      if (seq + 1 >= next_) break;
      cut = seq + 1;
      dropped += sizes.unsigned_at(1);
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE) fail("read");
  }
  if (cut == first) return;
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) fail("trim");
  {
    sqlite_statement drop(db_, "DELETE FROM messages WHERE seq < ?");
    sqlite_statement update(db_, "UPDATE room SET bytes = ?");
    if (!drop.ok() || drop.bind(1, cut).step() != SQLITE_DONE || !update.ok() ||
        update.bind(1, bytes_ - dropped).step() != SQLITE_DONE)
      roll_back_and_fail("trim");
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) roll_back_and_fail("trim");
  bytes_ -= dropped;
  unsynced_ = true;
}

std::uint64_t room_log::bytes_before(std::uint64_t seq) const {
  sqlite_statement query(db_, "SELECT coalesce(sum(length(body)), 0) FROM messages WHERE seq < ?");
  if (!query.ok()) fail("read");
  query.bind(1, seq);
  if (query.step() != SQLITE_ROW) fail("read");
  return query.unsigned_at(0);
}

}  // namespace imchat::store
