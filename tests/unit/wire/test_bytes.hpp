#pragma once
// Byte-building helpers for the wire tests. Expected encodings are written from the
// spec's tables (docs/wire-protocol.md) with these, independently of the codec's own
// writer, so a test never checks the encoder against itself.

#include "wire/frame.hpp"

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

namespace imchat::wire::test {

inline bytes bytes_of(std::initializer_list<std::uint8_t> values) {
  bytes out;
  for (const auto value : values) out.push_back(std::byte{value});
  return out;
}

inline bytes text_bytes(std::string_view text) {
  const auto view = as_bytes(text);
  return {view.begin(), view.end()};
}

inline bytes u16_be(std::uint16_t value) {
  return {std::byte(value >> 8), std::byte(value & 0xFF)};
}

inline bytes u32_be(std::uint32_t value) {
  return {std::byte(value >> 24), std::byte((value >> 16) & 0xFF), std::byte((value >> 8) & 0xFF),
          std::byte(value & 0xFF)};
}

inline bytes u64_be(std::uint64_t value) {
  bytes out;
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(std::byte((value >> shift) & 0xFF));
  return out;
}

// A `str` field: u16 byte count, then the bytes.
inline bytes str_field(std::string_view text) {
  bytes out = u16_be(static_cast<std::uint16_t>(text.size()));
  const auto view = as_bytes(text);
  out.insert(out.end(), view.begin(), view.end());
  return out;
}

template <class... Parts>
bytes concat(const Parts&... parts) {
  bytes out;
  (out.insert(out.end(), parts.begin(), parts.end()), ...);
  return out;
}

// A whole frame: the 5-byte header (u32 length, u8 type) and `body`.
inline bytes frame_bytes(std::uint8_t type, std::span<const std::byte> body) {
  bytes out = u32_be(static_cast<std::uint32_t>(body.size()));
  out.push_back(std::byte{type});
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// The body of an encoded frame: everything after its header.
inline std::span<const std::byte> body_of(const bytes& encoded_frame) {
  return std::span(encoded_frame).subspan(frame_header_size);
}

}  // namespace imchat::wire::test
