#include "wire/body_writer.hpp"

#include <array>

#include <cassert>
#include <limits>

namespace imchat::wire {
namespace {

void put_be(bytes& out, std::uint64_t value, int width) {
  for (int shift = (width - 1) * 8; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::byte>((value >> shift) & 0xFF));
}

void write_header(std::byte* at, frame_type type, std::size_t body_size) {
  const auto length = static_cast<std::uint32_t>(body_size);
  at[0] = static_cast<std::byte>(length >> 24);
  at[1] = static_cast<std::byte>(length >> 16);
  at[2] = static_cast<std::byte>(length >> 8);
  at[3] = static_cast<std::byte>(length);
  at[4] = static_cast<std::byte>(type);
}

}  // namespace

body_writer::body_writer(bytes& out, frame_type type) : out_(out), header_at_(out.size()) {
  out_.resize(out_.size() + frame_header_size);
  out_[header_at_ + 4] = static_cast<std::byte>(type);
}

body_writer& body_writer::put_u8(std::uint8_t value) {
  put_be(out_, value, 1);
  return *this;
}
body_writer& body_writer::put_u16(std::uint16_t value) {
  put_be(out_, value, 2);
  return *this;
}
body_writer& body_writer::put_u32(std::uint32_t value) {
  put_be(out_, value, 4);
  return *this;
}
body_writer& body_writer::put_u64(std::uint64_t value) {
  put_be(out_, value, 8);
  return *this;
}

body_writer& body_writer::put_str(std::string_view text) {
  assert(text.size() <= std::numeric_limits<std::uint16_t>::max());
  put_u16(static_cast<std::uint16_t>(text.size()));
  return put_bytes(as_bytes(text));
}

body_writer& body_writer::put_bytes(std::span<const std::byte> data) {
  out_.insert(out_.end(), data.begin(), data.end());
  return *this;
}

void body_writer::finish() {
  const std::size_t body_size = out_.size() - header_at_ - frame_header_size;
  write_header(out_.data() + header_at_, static_cast<frame_type>(out_[header_at_ + 4]), body_size);
}

void append_frame(bytes& out, frame_type type, std::span<const std::byte> body) {
  // Appended, not resized and then overwritten: zeroing the bytes first cost a memset
  // per frame per subscriber.
  std::array<std::byte, frame_header_size> header{};
  write_header(header.data(), type, body.size());
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), body.begin(), body.end());
}

}  // namespace imchat::wire
