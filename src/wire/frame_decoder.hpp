#pragma once
// The incremental frame decoder: bytes in, frames out, no sockets. Fed any split of the
// input (one byte at a time, a frame and a half, ...) it produces the same frames.
//
//   std::error_code ec;
//   while (!input.empty()) {
//     input = input.subspan(decoder.put(input, ec));
//     if (ec == wire::error::need_more) break;   // all input used; wait for more
//     if (ec) { /* protocol error: report and close */ }
//     handle(decoder.take());                    // one complete frame
//   }
//
// The header is checked (length against the limit, type against the protocol) before a
// single byte of the body is allocated, and the body's buffer then grows with the bytes
// that really arrive. A frame that lies whole in what put() was given is not copied at
// all: take_view() shows it where it lies, which is how a connection hands on the frames
// of a read (most of them, for small messages) without an allocation each.

#include "wire/frame.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <system_error>

namespace imchat::wire {

// What an accepted header reserves for its body at most; larger bodies grow as they arrive.
inline constexpr std::size_t initial_body_reserve = 64 * 1024;

struct decoder_limits {
  std::uint32_t max_body_size = default_max_body_size;
};

class frame_decoder {
 public:
  explicit frame_decoder(decoder_limits limits = {}) noexcept : limits_(limits) {}

  // Consumes bytes of `input` up to the end of the current frame and returns how many.
  // Afterwards `ec` is: success — a frame is complete, call take(); error::need_more —
  // every byte was consumed and the frame is still incomplete; anything else — the input
  // is not valid protocol, and the decoder stays failed (every later call returns it).
  std::size_t put(std::span<const std::byte> input, std::error_code& ec);

  // Moves out the frame completed by the last put(), and readies the decoder for the next.
  frame take();
  // The same as a view: of the input that last put() was given, where the frame lay whole
  // in it (valid while that input is), else of `storage`, which takes the bytes the
  // decoder gathered.
  frame_view take_view(bytes& storage) noexcept;

  // True between frames: no partial header or body is buffered. A connection that closes
  // while this is false closed mid-frame.
  bool idle() const noexcept { return state_ == state::header && header_filled_ == 0; }

  // Memory held for the frame being received: its body's buffer (what a listener's
  // budget for partly received frames counts).
  std::size_t buffered_bytes() const noexcept { return state_ == state::body ? frame_.body.capacity() : 0; }

  const decoder_limits& limits() const noexcept { return limits_; }

 private:
  enum class state { header, body, complete, failed };

  std::error_code check_header() noexcept;

  decoder_limits limits_;
  state state_ = state::header;
  std::error_code failure_;
  std::array<std::byte, frame_header_size> header_{};
  std::size_t header_filled_ = 0;
  std::uint32_t body_size_ = 0;
  frame frame_;
  std::span<const std::byte> whole_;  // the completed frame's body in put()'s input, if it lay whole there
  bool in_place_ = false;             // whether it did (whole_ is empty for an empty body)
};

}  // namespace imchat::wire
