#pragma once
// Checks every typed frame must pass, written once for the directory's and the control
// frames: encode-then-decode gives the value back, every strict prefix of a body is
// truncated_body, and a byte too many is trailing_bytes.

#include "support/error_code_printing.hpp"
#include "test_bytes.hpp"
#include "wire/error.hpp"
#include "wire/frame.hpp"

#include <doctest/doctest.h>

#include <system_error>

namespace imchat::wire::test {

template <class Frame>
bytes encoded(const Frame& value) {
  bytes out;
  encode(out, value);
  return out;
}

// The value encodes to exactly `expected` (header included), and `expected` decodes back
// to the value: pins the layout to the spec, which a round trip alone cannot.
template <class Frame>
void check_encoding(const Frame& value, const bytes& expected) {
  CHECK(encoded(value) == expected);
  Frame decoded{};
  CHECK(decode(body_of(expected), decoded) == std::error_code{});
  CHECK(decoded == value);
}

template <class Frame>
void check_round_trip(const Frame& value, frame_type type) {
  const auto frame = encoded(value);
  REQUIRE(frame.size() >= frame_header_size);
  CHECK(frame[4] == std::byte(type));
  CHECK(bytes(frame.begin(), frame.begin() + 4) ==
        u32_be(static_cast<std::uint32_t>(frame.size() - frame_header_size)));
  Frame decoded{};
  CHECK(decode(body_of(frame), decoded) == std::error_code{});
  CHECK(decoded == value);
}

template <class Frame>
void check_every_strict_prefix_is_truncated(const Frame& value) {
  const auto frame = encoded(value);
  const auto body = body_of(frame);
  for (std::size_t length = 0; length < body.size(); ++length) {
    INFO("first " << length << " of " << body.size() << " body bytes");
    Frame decoded{};
    CHECK(decode(body.first(length), decoded) == error::truncated_body);
  }
}

template <class Frame>
void check_trailing_bytes_are_refused(const Frame& value) {
  const auto frame = encoded(value);
  for (const auto& extra : {bytes_of({0x00}), bytes_of({0xFF}), bytes_of({0x00, 0x00, 0x00, 0x00})}) {
    const auto body = concat(body_of(frame), extra);
    Frame decoded{};
    CHECK(decode(body, decoded) == error::trailing_bytes);
  }
}

// All of the above but the pinned encoding, for a value of `type`.
template <class Frame>
void check_typed_frame(const Frame& value, frame_type type) {
  check_round_trip(value, type);
  check_every_strict_prefix_is_truncated(value);
  check_trailing_bytes_are_refused(value);
}

}  // namespace imchat::wire::test
