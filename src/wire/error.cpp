#include "wire/error.hpp"

#include <string>

namespace imchat::wire {
namespace {

struct error_info {
  error value;
  std::string_view name;
  std::string_view message;
};

constexpr error_info all_errors[] = {
    {error::bad_magic, "bad_magic", "not an imchat peer: greeting does not start with IMCHAT"},
    {error::unsupported_version, "unsupported_version", "unsupported protocol version"},
    {error::bad_role, "bad_role", "peer's role is unknown or not accepted here"},
    {error::frame_too_large, "frame_too_large", "frame exceeds the maximum frame size"},
    {error::unknown_frame_type, "unknown_frame_type", "unknown frame type"},
    {error::truncated_body, "truncated_body", "frame body ends inside a field"},
    {error::trailing_bytes, "trailing_bytes", "frame body has bytes after its last field"},
    {error::bad_field_value, "bad_field_value", "frame field holds an invalid value"},
    {error::unexpected_frame, "unexpected_frame", "frame not allowed at this point"},
    {error::handshake_timeout, "handshake_timeout", "no greeting within the handshake timeout"},
    {error::connection_closed, "connection_closed", "connection closed in the middle of a frame"},
    {error::internal_error, "internal_error", "the peer failed for a reason of its own"},
    {error::peer_timeout, "peer_timeout", "no sign of life from the peer within its timeout"},
    {error::name_in_use, "name_in_use", "name is in use"},
    {error::not_found, "not_found", "no such name"},
    {error::invalid_name, "invalid_name", "invalid name"},
    {error::limit_exceeded, "limit_exceeded", "limit exceeded"},
    {error::not_stream_owner, "not_stream_owner", "the stream belongs to another publisher"},
    {error::key_required, "key_required", "a key is needed here: this side speaks only TLS with its key"},
    {error::need_more, "need_more", "more input is needed to complete the frame"},
};

const error_info* find(int value) noexcept {
  for (const auto& info : all_errors)
    if (static_cast<int>(info.value) == value) return &info;
  return nullptr;
}

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "imchat.wire"; }
  std::string message(int value) const override {
    if (const auto* info = find(value)) return std::string(info->message);
    return "unknown protocol error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& wire_category() noexcept {
  static const category instance;
  return instance;
}

std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), wire_category()};
}

std::string_view error_name(std::uint16_t code) noexcept {
  const auto* info = find(code);
  return info ? info->name : std::string_view{};
}

std::error_code error_from_wire(std::uint16_t code) noexcept {
  // 0 would read as success: an ERROR frame always reports a failure.
  if (code == 0) return error::internal_error;
  return {static_cast<int>(code), wire_category()};
}

}  // namespace imchat::wire
