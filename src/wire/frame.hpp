#pragma once
// Frames: a 5-byte header (u32 body length, u8 type) and a body.
// Layout and types: docs/wire-protocol.md §2–3.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace imchat::wire {

inline constexpr std::size_t frame_header_size = 5;
inline constexpr std::uint32_t default_max_body_size = 1024 * 1024;

enum class frame_type : std::uint8_t {
  error = 0x01,
  heartbeat = 0x02,
  register_name = 0x10,
  unregister_name = 0x11,
  lookup = 0x12,
  list = 0x13,
  ok = 0x18,
  fail = 0x19,
  record = 0x1A,
  records = 0x1B,
  attach = 0x20,
  attached = 0x21,
  message = 0x22,
  ack = 0x23,
};

bool is_known_frame_type(std::uint8_t type) noexcept;
std::string_view frame_type_name(frame_type type) noexcept;

using bytes = std::vector<std::byte>;

// A frame as its receiver sees it: the type, and the body viewed where it lies (in the
// bytes read, or wherever the decoder gathered it), valid while those bytes are.
struct frame_view {
  frame_type type = frame_type::heartbeat;
  std::span<const std::byte> body;
};

struct frame {
  frame_type type = frame_type::heartbeat;
  bytes body;
};

// Views text as bytes and back, for string fields and message payloads.
inline std::span<const std::byte> as_bytes(std::string_view text) noexcept {
  return std::as_bytes(std::span(text.data(), text.size()));
}
inline std::string_view as_text(std::span<const std::byte> data) noexcept {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

}  // namespace imchat::wire
