#pragma once
// One prepared SQLite statement, finalized with its owner: bind, step, read columns.
// 64-bit unsigned numbers (identities, incarnations) are stored as SQLite's signed
// integers, bit for bit, and read back the same way.

#include <sqlite3.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace imchat::store {

class sqlite_statement {
 public:
  // Throws nothing: check ok(); sqlite3_errmsg(db) says why not.
  sqlite_statement(sqlite3* db, std::string_view sql) noexcept {
    ok_ = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &handle_, nullptr) == SQLITE_OK;
  }
  ~sqlite_statement() { sqlite3_finalize(handle_); }
  sqlite_statement(const sqlite_statement&) = delete;
  sqlite_statement& operator=(const sqlite_statement&) = delete;

  bool ok() const noexcept { return ok_; }

  // Parameters count from 1, as in SQL.
  sqlite_statement& bind(int at, std::uint64_t value) noexcept {
    sqlite3_bind_int64(handle_, at, std::bit_cast<sqlite3_int64>(value));
    return *this;
  }
  sqlite_statement& bind_signed(int at, std::int64_t value) noexcept {
    sqlite3_bind_int64(handle_, at, value);
    return *this;
  }
  // The bytes must outlive the step (SQLITE_STATIC: no copy).
  sqlite_statement& bind(int at, std::span<const std::byte> bytes) noexcept {
    sqlite3_bind_blob64(handle_, at, bytes.data(), bytes.size(), SQLITE_STATIC);
    return *this;
  }
  sqlite_statement& bind(int at, std::string_view text) noexcept {
    sqlite3_bind_text64(handle_, at, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
    return *this;
  }

  // SQLITE_ROW, SQLITE_DONE, or an error code.
  int step() noexcept { return sqlite3_step(handle_); }
  // Ready to run again, its bindings cleared.
  void reset() noexcept {
    sqlite3_reset(handle_);
    sqlite3_clear_bindings(handle_);
  }

  // Columns count from 0.
  std::uint64_t unsigned_at(int column) const noexcept {
    return std::bit_cast<std::uint64_t>(sqlite3_column_int64(handle_, column));
  }
  std::int64_t signed_at(int column) const noexcept { return sqlite3_column_int64(handle_, column); }
  std::span<const std::byte> bytes_at(int column) const noexcept {
    const auto* data = static_cast<const std::byte*>(sqlite3_column_blob(handle_, column));
    return {data, static_cast<std::size_t>(sqlite3_column_bytes(handle_, column))};
  }
  std::string_view text_at(int column) const noexcept {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(handle_, column));
    return {data ? data : "", static_cast<std::size_t>(sqlite3_column_bytes(handle_, column))};
  }

 private:
  sqlite3_stmt* handle_ = nullptr;
  bool ok_ = false;
};

}  // namespace imchat::store
