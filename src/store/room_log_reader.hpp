#pragma once
// A room's log as its exchange's archive (kernel/archive.hpp): what displays far behind,
// or asking for more history than the room keeps in memory, are sent from. Its own
// read-only SQLite connection beside the room's writing one, so that the I/O threads
// read while the room's thread writes (WAL: readers and the writer do not wait for each
// other); each read is one short statement, so that no read holds back a checkpoint.

#include "kernel/archive.hpp"

#include <filesystem>
#include <mutex>

struct sqlite3;
struct sqlite3_stmt;

namespace imchat::store {

class room_log_reader final : public imchat::archive {
 public:
  // Opens `log_file` (a room_log's path(), which must exist) to read. Throws log_error.
  explicit room_log_reader(const std::filesystem::path& log_file);
  ~room_log_reader() override;
  room_log_reader(const room_log_reader&) = delete;
  room_log_reader& operator=(const room_log_reader&) = delete;

  // A read that fails is said at error level and answered as if the log held nothing
  // there: the subscriber is told that it lost those messages, which it did.
  slice read(std::uint64_t from, std::uint64_t below, std::size_t max_bytes) override;
  std::uint64_t oldest() override;
  std::uint64_t first_since(std::chrono::system_clock::time_point time, std::uint64_t below) override;

 private:
  void report(const char* doing);
  // With the lock held: the number of the oldest message, or `none`.
  std::uint64_t oldest_or(std::uint64_t none);

  const std::filesystem::path path_;
  std::mutex mutex_;  // one connection, several I/O threads
  sqlite3* db_ = nullptr;
};

}  // namespace imchat::store
