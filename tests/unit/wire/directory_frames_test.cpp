// The directory's frames (src/wire/directory_frames.hpp): the layouts of
// docs/wire-protocol.md §3, round trips, and bodies that must be refused.

#include "wire/directory_frames.hpp"

#include "allocation_probe.hpp"
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

record sample_record(std::string name, object_kind kind = object_kind::queue) {
  return {kind, std::move(name), {"10.0.0.5:5555", "[fe80::1%eth0]:5556"}, "10.0.0.5:41234"};
}

// A record laid out by hand: u8 kind, str name, u16 n, str endpoints[n], str owner.
bytes spec_record(std::uint8_t kind, std::string_view name, std::string_view owner) {
  return concat(bytes_of({kind}), str_field(name), u16_be(2), str_field("10.0.0.5:5555"),
                str_field("[fe80::1%eth0]:5556"), str_field(owner));
}

TEST_CASE("each directory frame is laid out as the spec says") {
  SUBCASE("REGISTER") {
    check_encoding(register_request{0x01020304, object_kind::exchange, "R_lobby",
                                    {"10.0.0.5:5555", "[fe80::1%eth0]:5556"}},
                   frame_bytes(0x10, concat(u32_be(0x01020304), bytes_of({1}), str_field("R_lobby"),
                                            u16_be(2), str_field("10.0.0.5:5555"),
                                            str_field("[fe80::1%eth0]:5556"))));
  }
  SUBCASE("UNREGISTER") {
    check_encoding(unregister_request{9, "Q_cheese"},
                   frame_bytes(0x11, concat(u32_be(9), str_field("Q_cheese"))));
  }
  SUBCASE("LOOKUP") {
    check_encoding(lookup_request{0xA0B0C0D0, "Q_cheese"},
                   frame_bytes(0x12, concat(u32_be(0xA0B0C0D0), str_field("Q_cheese"))));
  }
  SUBCASE("LIST") {
    check_encoding(list_request{3, "Q_"}, frame_bytes(0x13, concat(u32_be(3), str_field("Q_"))));
  }
  SUBCASE("OK") { check_encoding(ok_reply{0xFFFFFFFF}, frame_bytes(0x18, u32_be(0xFFFFFFFF))); }
  SUBCASE("FAIL") {
    check_encoding(fail_reply{4, 100, "name 'Q_cheese' is held by 10.0.0.5:41234"},
                   frame_bytes(0x19, concat(u32_be(4), u16_be(100),
                                            str_field("name 'Q_cheese' is held by 10.0.0.5:41234"))));
  }
  SUBCASE("RECORD") {
    check_encoding(record_reply{5, sample_record("R_lobby", object_kind::exchange)},
                   frame_bytes(0x1A, concat(u32_be(5), spec_record(1, "R_lobby", "10.0.0.5:41234"))));
  }
  SUBCASE("RECORDS") {
    check_encoding(records_reply{6, false, {sample_record("Q_a"), sample_record("R_b", object_kind::exchange)}},
                   frame_bytes(0x1B, concat(u32_be(6), bytes_of({0}), u16_be(2),
                                            spec_record(2, "Q_a", "10.0.0.5:41234"),
                                            spec_record(1, "R_b", "10.0.0.5:41234"))));
    check_encoding(records_reply{7, true, {}},
                   frame_bytes(0x1B, concat(u32_be(7), bytes_of({1}), u16_be(0))));
  }
}

TEST_CASE("directory frames round-trip and refuse short and overlong bodies") {
  const std::string longest(65535, 'x');
  // Strings are bytes to the codec: NUL, invalid UTF-8 and the longest str all pass.
  const std::string odd("nul\0and\xff", 8);

  SUBCASE("REGISTER") {
    check_typed_frame(register_request{1, object_kind::queue, "Q_cheese", {"127.0.0.1:1"}},
                      frame_type::register_name);
    check_typed_frame(register_request{0, object_kind::exchange, odd, {}}, frame_type::register_name);
    check_typed_frame(register_request{2, object_kind::queue, longest, {"", longest}},
                      frame_type::register_name);
  }
  SUBCASE("UNREGISTER") {
    check_typed_frame(unregister_request{1, "Q_cheese"}, frame_type::unregister_name);
    check_typed_frame(unregister_request{0, ""}, frame_type::unregister_name);
  }
  SUBCASE("LOOKUP") {
    check_typed_frame(lookup_request{77, odd}, frame_type::lookup);
    check_typed_frame(lookup_request{78, longest}, frame_type::lookup);
  }
  SUBCASE("LIST") {
    check_typed_frame(list_request{1, ""}, frame_type::list);
    check_typed_frame(list_request{2, "R_"}, frame_type::list);
  }
  SUBCASE("OK") { check_typed_frame(ok_reply{123456}, frame_type::ok); }
  SUBCASE("FAIL") {
    check_typed_frame(fail_reply{1, 101, "no such name"}, frame_type::fail);
    check_typed_frame(fail_reply{2, 0xFFFF, ""}, frame_type::fail);
  }
  SUBCASE("RECORD") {
    check_typed_frame(record_reply{1, sample_record("Q_cheese")}, frame_type::record);
    check_typed_frame(record_reply{2, record{object_kind::exchange, odd, {}, ""}}, frame_type::record);
  }
  SUBCASE("RECORDS") {
    check_typed_frame(records_reply{1, true, {}}, frame_type::records);
    check_typed_frame(records_reply{2, false, {sample_record("Q_a")}}, frame_type::records);
    check_typed_frame(records_reply{3, true,
                                    {sample_record("Q_a"), record{object_kind::exchange, "R_b", {}, "x"},
                                     sample_record("Q_c")}},
                      frame_type::records);
  }
}

TEST_CASE("a kind other than exchange (1) or queue (2) is bad_field_value") {
  for (unsigned kind = 0; kind <= 0xFF; ++kind) {
    if (kind == 1 || kind == 2) continue;
    INFO("kind " << kind);
    const auto k = static_cast<std::uint8_t>(kind);

    register_request reg;
    CHECK(decode(concat(u32_be(1), bytes_of({k}), str_field("Q_x"), u16_be(0)), reg) ==
          error::bad_field_value);

    record_reply one;
    CHECK(decode(concat(u32_be(1), spec_record(k, "Q_x", "o")), one) == error::bad_field_value);

    // In the second record of a listing: every record is checked, not just the first.
    records_reply many;
    CHECK(decode(concat(u32_be(1), bytes_of({1}), u16_be(2), spec_record(2, "Q_a", "o"),
                        spec_record(k, "Q_b", "o")),
                 many) == error::bad_field_value);
  }
}

TEST_CASE("RECORDS' last is 0 or 1 - anything else is bad_field_value") {
  records_reply reply;
  CHECK(decode(concat(u32_be(1), bytes_of({0}), u16_be(0)), reply) == std::error_code{});
  CHECK_FALSE(reply.last);
  CHECK(decode(concat(u32_be(1), bytes_of({1}), u16_be(0)), reply) == std::error_code{});
  CHECK(reply.last);
  for (unsigned last = 2; last <= 0xFF; ++last) {
    INFO("last " << last);
    CHECK(decode(concat(u32_be(1), bytes_of({static_cast<std::uint8_t>(last)}), u16_be(0)), reply) ==
          error::bad_field_value);
  }
}

TEST_CASE("a bad field value is reported even when the body is also short or long") {
  register_request reg;
  // The first failure wins: the kind comes before the missing name.
  CHECK(decode(concat(u32_be(1), bytes_of({7})), reg) == error::bad_field_value);
  CHECK(decode(concat(u32_be(1), bytes_of({7}), str_field("Q"), u16_be(0), bytes_of({0})), reg) ==
        error::bad_field_value);
}

TEST_CASE("a count larger than the body is truncated_body - not a huge allocation") {
  // 65535 endpoints or records announced, none present: the decoder must stop at the
  // first missing one instead of trusting the count.
  const auto many_endpoints = concat(u32_be(1), bytes_of({2}), str_field("Q_x"), u16_be(0xFFFF));
  const auto many_records = concat(u32_be(1), bytes_of({1}), u16_be(0xFFFF));
  register_request reg;
  records_reply reply;
  std::error_code register_result;
  std::error_code records_result;
  std::size_t largest_allocation = 0;
  {
    imchat::test::allocation_probe probe;
    register_result = decode(many_endpoints, reg);
    records_result = decode(many_records, reply);
    largest_allocation = probe.largest();
  }
  CHECK(register_result == error::truncated_body);
  CHECK(records_result == error::truncated_body);
  CHECK(largest_allocation < 1024);
}

TEST_CASE("decoding replaces every field of the target - lists included") {
  register_request reg{99, object_kind::exchange, "old", {"old:1", "old:2"}};
  REQUIRE(decode(test::body_of(test::encoded(register_request{1, object_kind::queue, "new", {"new:1"}})),
                 reg) == std::error_code{});
  CHECK(reg == register_request{1, object_kind::queue, "new", {"new:1"}});

  records_reply reply{99, false, {sample_record("old_a"), sample_record("old_b")}};
  REQUIRE(decode(test::body_of(test::encoded(records_reply{1, true, {sample_record("new")}})), reply) ==
          std::error_code{});
  CHECK(reply == records_reply{1, true, {sample_record("new")}});
}

TEST_CASE("encoded_size is the number of bytes a record takes in a RECORDS body") {
  const std::vector<record> records = {
      sample_record("Q_cheese"),
      record{object_kind::exchange, "", {}, ""},
      record{object_kind::queue, std::string(300, 'n'), {"a:1", "", "[::1]:2"}, std::string(70, 'o')},
  };
  std::size_t sum = 0;
  for (const auto& each : records) {
    INFO(each.name.size());
    const auto frame = test::encoded(records_reply{1, true, {each}});
    // A RECORDS body: u32 request, u8 last, u16 n, then the records.
    CHECK(encoded_size(each) == frame.size() - frame_header_size - (4 + 1 + 2));
    sum += encoded_size(each);
  }
  CHECK(test::encoded(records_reply{1, true, records}).size() == frame_header_size + 4 + 1 + 2 + sum);
}

TEST_CASE("object kinds are named") {
  CHECK(object_kind_name(object_kind::exchange) == "exchange");
  CHECK(object_kind_name(object_kind::queue) == "queue");
}

}  // namespace
}  // namespace imchat::wire
