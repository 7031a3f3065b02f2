#include "wire/control_frames.hpp"

#include "wire/body_reader.hpp"
#include "wire/body_writer.hpp"
#include "wire/error.hpp"

#include <algorithm>

namespace imchat::wire {

void encode(bytes& out, const error_frame& f) {
  body_writer w(out, frame_type::error);
  w.put_u16(f.code).put_str(f.message.substr(0, 4096)).finish();
}

void encode(bytes& out, const attach_request& f) {
  body_writer w(out, frame_type::attach);
  w.put_u8(static_cast<std::uint8_t>(f.direction))
      .put_str(f.object)
      .put_u64(f.stream)
      .put_u64(f.sequence)
      .put_u32(f.history)
      .put_u64(f.secret.high)
      .put_u64(f.secret.low);
  if (f.since != 0) w.put_u64(f.since);
  w.finish();
}

void encode(bytes& out, const attached_reply& f) {
  body_writer w(out, frame_type::attached);
  w.put_u64(f.stream).put_u64(f.sequence).finish();
}

void encode(bytes& out, const ack_frame& f) {
  body_writer w(out, frame_type::ack);
  w.put_u64(f.next).finish();
}

std::error_code decode(std::span<const std::byte> body, error_frame& f) {
  body_reader in(body);
  f.code = in.u16();
  f.message = in.str();
  return in.finish();
}

std::error_code decode(std::span<const std::byte> body, attach_request& f) {
  body_reader in(body);
  const auto direction = in.u8();
  if (direction != static_cast<std::uint8_t>(attach_direction::publish) &&
      direction != static_cast<std::uint8_t>(attach_direction::subscribe))
    in.fail(error::bad_field_value);
  f.direction = static_cast<attach_direction>(direction);
  f.object = in.str();
  f.stream = in.u64();
  f.sequence = in.u64();
  f.history = in.u32();
  f.secret.high = in.u64();
  f.secret.low = in.u64();
  // The optional `since`: whole, and not 0 (which is sent as nothing); fewer bytes than
  // it takes are trailing bytes after a complete ATTACH.
  f.since = 0;
  if (in.remaining() >= 8 && (f.since = in.u64()) == 0) in.fail(error::bad_field_value);
  return in.finish();
}

std::error_code decode(std::span<const std::byte> body, attached_reply& f) {
  body_reader in(body);
  f.stream = in.u64();
  f.sequence = in.u64();
  return in.finish();
}

std::error_code decode(std::span<const std::byte> body, ack_frame& f) {
  body_reader in(body);
  f.next = in.u64();
  return in.finish();
}

error_frame make_error_frame(std::error_code code, std::string_view detail) {
  // Codes of other categories (an OS error, say) have no number on the wire: they travel
  // as internal_error, with their own message as the detail.
  const auto number = code.category() == wire_category() ? static_cast<std::uint16_t>(code.value())
                                                          : static_cast<std::uint16_t>(error::internal_error);
  return {number, detail.empty() ? code.message() : std::string(detail)};
}

std::string describe(const error_frame& f) {
  auto name = error_name(f.code);
  std::string text = name.empty() ? "error " + std::to_string(f.code) : std::string(name);
  if (!f.message.empty()) text += ": " + f.message;
  return text;
}

}  // namespace imchat::wire
