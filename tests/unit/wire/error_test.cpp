// Protocol error codes (src/wire/error.hpp): the numbers and names of
// docs/wire-protocol.md §4, their messages, and codes that arrive from a peer.

#include "wire/error.hpp"

#include "support/error_code_printing.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

namespace imchat::wire {
namespace {

struct spec_code {
  error value;
  std::uint16_t number;
  std::string_view name;
};

// The table of §4, plus the decoder-only need_more.
constexpr spec_code spec_codes[] = {
    {error::bad_magic, 1, "bad_magic"},
    {error::unsupported_version, 2, "unsupported_version"},
    {error::bad_role, 3, "bad_role"},
    {error::frame_too_large, 4, "frame_too_large"},
    {error::unknown_frame_type, 5, "unknown_frame_type"},
    {error::truncated_body, 6, "truncated_body"},
    {error::trailing_bytes, 7, "trailing_bytes"},
    {error::bad_field_value, 8, "bad_field_value"},
    {error::unexpected_frame, 9, "unexpected_frame"},
    {error::handshake_timeout, 10, "handshake_timeout"},
    {error::connection_closed, 11, "connection_closed"},
    {error::internal_error, 12, "internal_error"},
    {error::peer_timeout, 13, "peer_timeout"},
    {error::name_in_use, 100, "name_in_use"},
    {error::not_found, 101, "not_found"},
    {error::invalid_name, 102, "invalid_name"},
    {error::limit_exceeded, 103, "limit_exceeded"},
    {error::not_stream_owner, 104, "not_stream_owner"},
    {error::key_required, 105, "key_required"},
    {error::need_more, 1000, "need_more"},
};

TEST_CASE("every code has the spec's number and name") {
  for (const auto& code : spec_codes) {
    INFO(code.name);
    CHECK(static_cast<std::uint16_t>(code.value) == code.number);
    CHECK(error_name(code.number) == code.name);
  }
}

TEST_CASE("every code has its own message and converts to an error_code of the wire category") {
  std::set<std::string> messages;
  for (const auto& code : spec_codes) {
    INFO(code.name);
    const std::error_code ec = code.value;  // is_error_code_enum: implicit conversion
    CHECK(ec);
    CHECK(ec.value() == code.number);
    CHECK(ec.category() == wire_category());
    CHECK(ec == make_error_code(code.value));
    CHECK_FALSE(ec.message().empty());
    CHECK(ec.message() != "unknown protocol error " + std::to_string(code.number));
    messages.insert(ec.message());
  }
  CHECK(messages.size() == std::size(spec_codes));
  CHECK(std::string(wire_category().name()) == "imchat.wire");
}

TEST_CASE("a code received from a peer maps to the same error") {
  for (const auto& code : spec_codes) {
    INFO(code.name);
    CHECK(error_from_wire(code.number) == code.value);
  }
}

TEST_CASE("an unknown code from a peer keeps its number and is described as unknown") {
  for (const std::uint16_t number : std::initializer_list<std::uint16_t>{14, 99, 106, 999, 1001, 65535}) {
    INFO(number);
    const auto ec = error_from_wire(number);
    CHECK(ec);
    CHECK(ec.value() == number);
    CHECK(ec.category() == wire_category());
    CHECK(ec.message() == "unknown protocol error " + std::to_string(number));
    CHECK(error_name(number).empty());
  }
}

TEST_CASE("a code of 0 from a peer still reads as a failure") {
  const auto ec = error_from_wire(0);
  CHECK(ec);
  CHECK(ec == error::internal_error);
}

TEST_CASE("the wire category does not claim other categories' codes") {
  const std::error_code refused = std::make_error_code(std::errc::connection_refused);
  CHECK(refused != make_error_code(error::bad_magic));
  CHECK(make_error_code(error::bad_magic) != std::error_code(1, std::generic_category()));
}

}  // namespace
}  // namespace imchat::wire
