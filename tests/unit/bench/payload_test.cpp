// The bench's message payload: written, then read back wherever a relay leaves it.

#include "bench/payload.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace imchat::bench;

TEST_SUITE("bench") {
  TEST_CASE("the payload's fields are read back behind the room's timestamp") {
    const payload_fields sent{.kind = payload_kind::measured, .sender = 7, .sequence = 123456789012,
                              .intended_ns = 987654321098765};
    std::string bytes(payload_size(64), '\0');
    CHECK(bytes.size() == 64);
    write_payload(std::as_writable_bytes(std::span(bytes)), sent);
    CHECK(read_payload(bytes) == sent);
    CHECK(read_payload("Fri Nov 27 04:00:00 2026 " + bytes) == sent);
    CHECK(bytes.back() == 'x');
    CHECK_FALSE(read_payload("Fri Nov 27 04:00:00 2026 kofi: hello"));
    CHECK_FALSE(read_payload("imb 1 2"));
  }

  TEST_CASE("the largest fields fit the smallest message") {
    const payload_fields sent{.kind = payload_kind::probe, .sender = 0xffffffff, .sequence = ~std::uint64_t{0},
                              .intended_ns = 0x7fffffffffffffff};
    std::string bytes(payload_size(0), '\0');
    write_payload(std::as_writable_bytes(std::span(bytes)), sent);
    CHECK(read_payload(bytes) == sent);
  }
}
