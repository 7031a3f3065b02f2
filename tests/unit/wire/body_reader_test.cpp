// The body reader (src/wire/body_reader.hpp): big-endian fields, strings, and a first
// failure that sticks, so typed decoders can read every field and check once at the end.

#include "wire/body_reader.hpp"

#include "support/error_code_printing.hpp"
#include "test_bytes.hpp"

#include <doctest/doctest.h>

namespace imchat::wire {
namespace {

using test::bytes_of;
using test::concat;
using test::str_field;
using test::text_bytes;

TEST_CASE("integers are read big-endian - in order") {
  const auto body = bytes_of({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,
                              0x0C, 0x0D, 0x0E, 0x0F});
  body_reader in(body);
  CHECK(in.u8() == 0x01);
  CHECK(in.u16() == 0x0203);
  CHECK(in.u32() == 0x04050607u);
  CHECK(in.u64() == 0x08090A0B0C0D0E0Full);
  CHECK(in.finish() == std::error_code{});
}

TEST_CASE("all-ones integers keep every bit") {
  const bytes body(15, std::byte{0xFF});
  body_reader in(body);
  CHECK(in.u8() == 0xFF);
  CHECK(in.u16() == 0xFFFF);
  CHECK(in.u32() == 0xFFFFFFFFu);
  CHECK(in.u64() == 0xFFFFFFFFFFFFFFFFull);
  CHECK(in.finish() == std::error_code{});
}

TEST_CASE("strings: a u16 count then the bytes - no terminator") {
  const auto body = concat(str_field("Q_cheese"), str_field(""), bytes_of({0x00, 0x02, 0x00, 0xFF}));
  body_reader in(body);
  CHECK(in.str() == "Q_cheese");
  CHECK(in.str().empty());
  CHECK(in.str() == std::string("\0\xff", 2));  // not checked for UTF-8 here
  CHECK(in.finish() == std::error_code{});
}

TEST_CASE("rest() takes every remaining byte") {
  const auto body = concat(bytes_of({0x07}), text_bytes("payload"));
  body_reader in(body);
  CHECK(in.u8() == 7);
  const auto rest = in.rest();
  CHECK(as_text(rest) == "payload");
  CHECK(in.rest().empty());
  CHECK(in.finish() == std::error_code{});
}

TEST_CASE("a field running past the end is truncated_body - and later reads give zeros") {
  const auto body = bytes_of({0x01, 0x02, 0x03});
  body_reader in(body);
  CHECK(in.u16() == 0x0102);
  CHECK(in.u16() == 0);  // one byte left: not enough
  CHECK(in.finish_failed());
  // The byte that was left is not read by a narrower field afterwards either.
  CHECK(in.u8() == 0);
  CHECK(in.str().empty());
  CHECK(in.finish() == error::truncated_body);
}

TEST_CASE("a string whose count runs past the end is truncated_body") {
  const auto body = concat(test::u16_be(5), text_bytes("abcd"));
  body_reader in(body);
  CHECK(in.str().empty());
  CHECK(in.finish() == error::truncated_body);
}

TEST_CASE("bytes left after the last field are trailing_bytes") {
  const auto body = bytes_of({0x00, 0x01, 0x02});
  body_reader in(body);
  CHECK(in.u16() == 1);
  CHECK_FALSE(in.finish_failed());
  CHECK(in.finish() == error::trailing_bytes);
}

TEST_CASE("the first failure is the one reported") {
  SUBCASE("fail() then a truncation") {
    const auto body = bytes_of({0x09});
    body_reader in(body);
    in.fail(error::bad_field_value);
    CHECK(in.finish_failed());
    CHECK(in.u32() == 0);
    CHECK(in.finish() == error::bad_field_value);
  }
  SUBCASE("a truncation then fail()") {
    body_reader in({});
    CHECK(in.u8() == 0);
    in.fail(error::bad_field_value);
    CHECK(in.finish() == error::truncated_body);
  }
  SUBCASE("a failure beats trailing bytes") {
    const auto body = bytes_of({0x09, 0x00, 0x00});
    body_reader in(body);
    in.u8();
    in.fail(error::bad_field_value);
    CHECK(in.finish() == error::bad_field_value);
  }
}

TEST_CASE("an empty body read as empty is fine") {
  body_reader in({});
  CHECK_FALSE(in.finish_failed());
  CHECK(in.finish() == std::error_code{});
}

}  // namespace
}  // namespace imchat::wire
