#pragma once
// Builds frames: appends a header and the body's fields to a byte buffer. A whole frame
// is written with begin_frame(), the put_*() calls, and finish(); the length in the
// header is filled in at the end, so bodies are never built twice.

#include "wire/frame.hpp"

#include <cstdint>
#include <span>
#include <string_view>

namespace imchat::wire {

class body_writer {
 public:
  // Starts a frame of `type` at the end of `out`.
  body_writer(bytes& out, frame_type type);

  body_writer& put_u8(std::uint8_t value);
  body_writer& put_u16(std::uint16_t value);
  body_writer& put_u32(std::uint32_t value);
  body_writer& put_u64(std::uint64_t value);
  // A str field; text longer than 65535 bytes is a programming error (callers check names).
  body_writer& put_str(std::string_view text);
  body_writer& put_bytes(std::span<const std::byte> data);

  // Writes the body length into the header. Must be called once, last.
  void finish();

 private:
  bytes& out_;
  std::size_t header_at_;
};

// Appends a complete frame whose body is `body` as is (MESSAGE, HEARTBEAT).
void append_frame(bytes& out, frame_type type, std::span<const std::byte> body = {});

}  // namespace imchat::wire
