// ERROR and ATTACH (src/wire/control_frames.hpp): layouts, round trips, refusals, and
// how an ERROR is made from an error code and described when received.

#include "wire/control_frames.hpp"

#include "typed_frame_checks.hpp"

#include <doctest/doctest.h>

#include <string>

namespace imchat::wire {
namespace {

using test::bytes_of;
using test::check_encoding;
using test::check_typed_frame;
using test::concat;
using test::frame_bytes;
using test::str_field;
using test::u16_be;
using test::u32_be;
using test::u64_be;

TEST_CASE("ERROR is u16 code then str message - a layout frozen across versions") {
  check_encoding(error_frame{2, "peer speaks 2"},
                 frame_bytes(0x01, concat(u16_be(2), str_field("peer speaks 2"))));
}

TEST_CASE("ATTACH is u8 direction - str object - u64 stream - u64 sequence - u32 history - u64 u64 secret") {
  check_encoding(attach_request{attach_direction::publish, "Q_cheese", 0x0102030405060708, 9, 0, {0xAA, 0xBB}},
                 frame_bytes(0x20, concat(concat(concat(bytes_of({1}), str_field("Q_cheese")),
                                                 concat(concat(u64_be(0x0102030405060708), u64_be(9)), u32_be(0))),
                                          concat(u64_be(0xAA), u64_be(0xBB)))));
  check_encoding(attach_request{attach_direction::subscribe, "R_lobby", 0, 0, 50, {}},
                 frame_bytes(0x20, concat(concat(concat(bytes_of({2}), str_field("R_lobby")),
                                                 concat(concat(u64_be(0), u64_be(0)), u32_be(50))),
                                          concat(u64_be(0), u64_be(0)))));
}

TEST_CASE("ATTACH may end with u64 since - sent only when not 0 and never as 0") {
  const attach_request asked{attach_direction::subscribe, "E_lobby", 0, 0, 20, {}, 1'764'000'000'000};
  const auto without = concat(concat(concat(bytes_of({2}), str_field("E_lobby")),
                                     concat(concat(u64_be(0), u64_be(0)), u32_be(20))),
                              concat(u64_be(0), u64_be(0)));
  check_encoding(asked, frame_bytes(0x20, concat(without, u64_be(1'764'000'000'000))));
  test::check_round_trip(asked, frame_type::attach);
  test::check_trailing_bytes_are_refused(asked);
  attach_request decoded;
  // What an older peer sends: no since.
  REQUIRE(decode(without, decoded) == std::error_code{});
  CHECK(decoded.since == 0);
  CHECK(decoded.history == 20);
  CHECK(decode(concat(without, u64_be(0)), decoded) == error::bad_field_value);
  for (std::size_t part = 1; part < 8; ++part) {
    INFO(part << " bytes of since");
    CHECK(decode(concat(without, bytes(part, std::byte{1})), decoded) == error::trailing_bytes);
  }
}

TEST_CASE("a stream secret proves only the recorded one") {
  const stream_secret recorded{0x1234, 0x5678};
  CHECK(stream_secret{0x1234, 0x5678}.proves(recorded));
  CHECK_FALSE(stream_secret{0x1234, 0x5679}.proves(recorded));
  CHECK_FALSE(stream_secret{0x1235, 0x5678}.proves(recorded));
  CHECK_FALSE(stream_secret{}.proves(recorded));
  CHECK(stream_secret{}.empty());
  CHECK_FALSE(recorded.empty());
}

TEST_CASE("ATTACHED is u64 stream then u64 sequence - ACK is u64 next") {
  check_encoding(attached_reply{0xFFFFFFFFFFFFFFFF, 1}, frame_bytes(0x21, concat(u64_be(0xFFFFFFFFFFFFFFFF), u64_be(1))));
  check_encoding(ack_frame{1234567890123}, frame_bytes(0x23, u64_be(1234567890123)));
  check_typed_frame(attached_reply{0, 0}, frame_type::attached);
  check_typed_frame(ack_frame{0}, frame_type::ack);
}

TEST_CASE("ERROR and ATTACH round-trip and refuse short and overlong bodies") {
  check_typed_frame(error_frame{0, ""}, frame_type::error);
  check_typed_frame(error_frame{0xFFFF, std::string("\0\xff", 2)}, frame_type::error);
  check_typed_frame(error_frame{4, std::string(4096, 'm')}, frame_type::error);
  check_typed_frame(attach_request{attach_direction::publish, "", 1, 2, 3}, frame_type::attach);
  check_typed_frame(attach_request{attach_direction::subscribe, std::string(65535, 'o'), 0, 0, 0},
                    frame_type::attach);
}

TEST_CASE("an ERROR message is cut to 4096 bytes - so the last word stays small") {
  const std::string long_message(5000, 'm');
  error_frame decoded;
  REQUIRE(decode(test::body_of(test::encoded(error_frame{6, long_message})), decoded) ==
          std::error_code{});
  CHECK(decoded.code == 6);
  CHECK(decoded.message == long_message.substr(0, 4096));
}

TEST_CASE("an ATTACH direction other than publish (1) or subscribe (2) is bad_field_value") {
  for (unsigned direction = 0; direction <= 0xFF; ++direction) {
    if (direction == 1 || direction == 2) continue;
    INFO("direction " << direction);
    attach_request decoded;
    CHECK(decode(concat(bytes_of({static_cast<std::uint8_t>(direction)}), str_field("Q")), decoded) ==
          error::bad_field_value);
    // Reported first even when the object name is missing.
    CHECK(decode(bytes_of({static_cast<std::uint8_t>(direction)}), decoded) == error::bad_field_value);
  }
}

TEST_CASE("make_error_frame carries the wire code and a message") {
  SUBCASE("the code's own message when no detail is given") {
    const auto frame = make_error_frame(error::frame_too_large);
    CHECK(frame.code == 4);
    CHECK(frame.message == make_error_code(error::frame_too_large).message());
  }
  SUBCASE("the detail when given") {
    const auto frame = make_error_frame(error::unsupported_version, "peer speaks 2, we speak 1");
    CHECK(frame.code == 2);
    CHECK(frame.message == "peer speaks 2, we speak 1");
  }
  SUBCASE("a directory code") {
    const auto frame = make_error_frame(error::not_found, "no object 'Q_x' here");
    CHECK(frame.code == 101);
    CHECK(frame.message == "no object 'Q_x' here");
  }
  SUBCASE("a code of another category travels as internal_error with its own message") {
    const auto refused = std::make_error_code(std::errc::connection_refused);
    const auto frame = make_error_frame(refused);
    CHECK(frame.code == 12);
    CHECK(frame.message == refused.message());
  }
}

TEST_CASE("a received ERROR is described by its code's name and the peer's message") {
  CHECK(describe(error_frame{2, "peer speaks 2"}) == "unsupported_version: peer speaks 2");
  CHECK(describe(error_frame{100, "name 'Q_cheese' is held by 10.0.0.5:41234"}) ==
        "name_in_use: name 'Q_cheese' is held by 10.0.0.5:41234");
  CHECK(describe(error_frame{3, ""}) == "bad_role");
  // Unknown codes are reported by number (§4).
  CHECK(describe(error_frame{999, "from the future"}) == "error 999: from the future");
  CHECK(describe(error_frame{14, ""}) == "error 14");
}

}  // namespace
}  // namespace imchat::wire
