#pragma once
// A room's log on disk: every message the room accepted, numbered as its exchange
// numbered it, and each publisher's stream record (where it resumes), written in one
// transaction per batch before the room acknowledges the batch. A room restarted on the
// same log is the same room: the same exchange incarnation, numbering that goes on, and
// streams that resume exactly where they were, so nothing is taken twice or lost.
//
// The store is SQLite in WAL mode, so that an operator can read a running room's log
// with the sqlite3 tool and back it up with `.backup` (README, "A room's log"). A
// transaction is in the operating system's hands once it commits, so a room killed at
// any moment loses nothing it acknowledged; the fsync policy says what survives a power
// loss as well. One room at a time: the log is locked while open.

#include "kernel/message.hpp"
#include "kernel/options.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace imchat::store {

class sqlite_statement;

// Why a log cannot be opened or written: the file, and what is wrong, in words.
class log_error : public std::runtime_error {
 public:
  enum class kind {
    other,
    disk_full,  // the disk (or the file system's quota) is full: worth trying again later
    in_use,     // another process has the log open: the room runs already
  };
  explicit log_error(const std::string& what, kind why = kind::other) : std::runtime_error(what), why_(why) {}
  bool disk_full() const noexcept { return why_ == kind::disk_full; }
  bool in_use() const noexcept { return why_ == kind::in_use; }

 private:
  kind why_;
};

// When what is committed reaches the disk itself (not only the OS's cache).
enum class fsync_policy {
  always,  // before each batch is acknowledged: it survives a power loss
  second,  // once a second: a power loss loses at most the last second
  never,   // when the OS gets to it
};

// What the log keeps: the oldest messages are dropped beyond any of these.
struct retention {
  std::uint64_t max_messages = 0;  // 0: no limit
  std::uint64_t max_bytes = std::uint64_t{1} << 30;
  std::chrono::seconds max_age{0};  // 0: no limit
  // Each prompt process has a stream of its own, so a long-lived room sees many: a
  // stream's record goes once it has been idle this long, and the longest idle beyond
  // this many (as many as the room's queue remembers at once). A prompt that comes back
  // later with lines the room never acknowledged is taken as a new stream: it loses
  // nothing, and only a line stored in its last moments before the outage, whose
  // acknowledgement never reached it, may be shown twice.
  std::chrono::seconds stream_idle_age{std::chrono::hours(24 * 30)};
  std::size_t max_streams = 65'536;
};

class room_log {
 public:
  // Opens the log of room `room` in `directory` (created, mode 0700, if missing), or
  // creates it. Throws log_error: a file that is no room log, another room's log, a log
  // another process has open, a file SQLite cannot read.
  room_log(const std::filesystem::path& directory, std::string_view room, fsync_policy fsync, retention keep = {});
  ~room_log();
  room_log(const room_log&) = delete;
  room_log& operator=(const room_log&) = delete;

  // The log's file.
  const std::filesystem::path& path() const noexcept { return path_; }
  // The room's exchange incarnation, the same for every run on this log.
  std::uint64_t incarnation() const noexcept { return incarnation_; }
  // The number the next message logged gets.
  std::uint64_t next() const noexcept { return next_; }
  // How many messages the log holds, and the oldest one's number (next() when none).
  std::uint64_t size() const;
  std::uint64_t oldest() const;
  // Each publisher's stream as last stored: the most recently active, at most
  // retention::max_streams of them.
  std::vector<stream_record> streams() const;
  // The latest messages, oldest first, numbered: at most `max_messages` and about
  // `max_bytes` (the newest one always, if any).
  std::vector<message> latest(std::size_t max_messages, std::size_t max_bytes) const;

  // Logs `messages`, numbered from next() on and received at `at`, and the stream records
  // in one transaction. Throws log_error (then nothing of it is logged): the caller keeps
  // the batch and tries again, acknowledging nothing meanwhile.
  void append(std::span<const message> messages, std::span<const stream_record> streams,
              std::chrono::system_clock::time_point at = std::chrono::system_clock::now());

  // Once a second or so: syncs the log for fsync_policy::second, and drops what the
  // retention does not keep. Throws log_error.
  void tick(std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

 private:
  void execute(const char* sql) const;
  log_error error(std::string_view doing) const;  // SQLite's last error, in words
  [[noreturn]] void fail(std::string_view doing) const;
  [[noreturn]] void roll_back_and_fail(std::string_view doing) const;
  void create_or_check(std::string_view room);
  void apply_retention(std::chrono::system_clock::time_point now);
  void forget_idle_streams(std::chrono::system_clock::time_point now);
  void upgrade_from_version_1();
  void sync_wal();
  // A statement prepared once for the log's life (the hot ones: every batch runs them).
  sqlite_statement& prepared(std::unique_ptr<sqlite_statement>& slot, std::string_view sql);
  std::uint64_t bytes_before(std::uint64_t seq) const;

  std::filesystem::path path_;
  fsync_policy fsync_;
  retention keep_;
  int lock_fd_ = -1;
  sqlite3* db_ = nullptr;
  std::uint64_t incarnation_ = 0;
  std::uint64_t next_ = 1;
  std::uint64_t bytes_ = 0;  // of the messages held
  bool unsynced_ = false;
  std::unique_ptr<sqlite_statement> insert_message_, record_stream_, update_room_;
  std::chrono::system_clock::time_point next_stream_check_{};  // forget_idle_streams() runs once a minute
};

}  // namespace imchat::store
