#pragma once
// Reads a frame body's fields in order, with bounds checks. The first failure (a field
// running past the end) is sticky: later reads return zero values and error() tells.

#include "wire/error.hpp"
#include "wire/frame.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <system_error>

namespace imchat::wire {

class body_reader {
 public:
  explicit body_reader(std::span<const std::byte> body) noexcept : rest_(body) {}

  std::uint8_t u8() noexcept { return static_cast<std::uint8_t>(take_be(1)); }
  std::uint16_t u16() noexcept { return static_cast<std::uint16_t>(take_be(2)); }
  std::uint32_t u32() noexcept { return static_cast<std::uint32_t>(take_be(4)); }
  std::uint64_t u64() noexcept { return take_be(8); }
  std::string str();
  std::span<const std::byte> rest() noexcept;
  // The bytes not read yet: an optional field at the end is there if they suffice.
  std::size_t remaining() const noexcept { return rest_.size(); }

  // Marks the body invalid (e.g. an enumeration value out of range).
  void fail(error e) noexcept {
    if (!error_) error_ = e;
  }

  // True once a read or fail() has failed; lets loops over counted fields stop early.
  bool finish_failed() const noexcept { return static_cast<bool>(error_); }

  // Call after the last field: truncated_body, bad_field_value, trailing_bytes or success.
  std::error_code finish() const noexcept {
    if (error_) return error_;
    if (!rest_.empty()) return error::trailing_bytes;
    return {};
  }

 private:
  std::uint64_t take_be(std::size_t width) noexcept;

  std::span<const std::byte> rest_;
  std::error_code error_;
};

}  // namespace imchat::wire
