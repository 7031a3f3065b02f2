#pragma once
// Frames outside the directory: ERROR (the last word before a close) and the kernel's
// ATTACH, by which a peer asks a global object for a publish or subscribe stream.

#include "wire/frame.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <system_error>

namespace imchat::wire {

struct error_frame {
  std::uint16_t code = 0;
  std::string message;
  bool operator==(const error_frame&) const = default;
};

enum class attach_direction : std::uint8_t {
  publish = 1,    // the peer sends MESSAGE frames into the named queue
  subscribe = 2,  // the peer receives the named exchange's MESSAGE frames
};

struct attach_request {
  attach_direction direction = attach_direction::publish;
  std::string object;
  bool operator==(const attach_request&) const = default;
};

void encode(bytes& out, const error_frame& f);
void encode(bytes& out, const attach_request& f);
std::error_code decode(std::span<const std::byte> body, error_frame& f);
std::error_code decode(std::span<const std::byte> body, attach_request& f);

// An ERROR frame for `code`, with `detail` as its message (or the code's own message).
error_frame make_error_frame(std::error_code code, std::string_view detail = {});

// "unsupported_version: peer speaks 2" — how a received ERROR is reported.
std::string describe(const error_frame& f);

}  // namespace imchat::wire
