// The body writer (src/wire/body_writer.hpp): headers with the right length, big-endian
// fields, and frames appended after whatever the buffer already holds.

#include "wire/body_writer.hpp"

#include "test_bytes.hpp"

#include <doctest/doctest.h>

#include <string>

namespace imchat::wire {
namespace {

using test::bytes_of;
using test::concat;
using test::frame_bytes;
using test::str_field;
using test::text_bytes;

TEST_CASE("fields are written big-endian and the header counts the body") {
  bytes out;
  body_writer(out, frame_type::message)
      .put_u8(0x01)
      .put_u16(0x0203)
      .put_u32(0x04050607)
      .put_u64(0x08090A0B0C0D0E0F)
      .finish();
  CHECK(out == frame_bytes(0x22, bytes_of({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
                                           0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F})));
}

TEST_CASE("strings get a u16 count - bytes go in as they are") {
  bytes out;
  body_writer(out, frame_type::attach).put_str("abc").put_str("").put_bytes(text_bytes("xy")).finish();
  CHECK(out == frame_bytes(0x20, concat(str_field("abc"), str_field(""), text_bytes("xy"))));
}

TEST_CASE("a body longer than 255 bytes sets the higher length bytes") {
  bytes out;
  const std::string text(0x1234, 'z');
  body_writer(out, frame_type::message).put_bytes(as_bytes(text)).finish();
  REQUIRE(out.size() == frame_header_size + 0x1234);
  CHECK(bytes(out.begin(), out.begin() + 5) == bytes_of({0x00, 0x00, 0x12, 0x34, 0x22}));
}

TEST_CASE("a longest string - 65535 bytes - keeps its count") {
  bytes out;
  const std::string text(65535, 'n');
  body_writer(out, frame_type::lookup).put_str(text).finish();
  CHECK(out == frame_bytes(0x12, str_field(text)));
}

TEST_CASE("frames are appended after what the buffer holds - each with its own header") {
  bytes out = text_bytes("already queued");
  body_writer(out, frame_type::ok).put_u32(1).finish();
  body_writer(out, frame_type::heartbeat).finish();
  append_frame(out, frame_type::message, text_bytes("hi"));
  append_frame(out, frame_type::attached);
  CHECK(out == concat(text_bytes("already queued"), frame_bytes(0x18, bytes_of({0, 0, 0, 1})),
                      frame_bytes(0x02, {}), frame_bytes(0x22, text_bytes("hi")),
                      frame_bytes(0x21, {})));
}

}  // namespace
}  // namespace imchat::wire
