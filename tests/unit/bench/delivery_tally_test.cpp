// The bench's accounting: loss, duplication and reordering each counted as what they are.

#include "bench/delivery_tally.hpp"
#include "bench/payload.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace imchat::bench;

namespace {

payload_fields measured(std::uint32_t sender, std::uint64_t sequence) {
  return {.kind = payload_kind::measured, .sender = sender, .sequence = sequence, .intended_ns = 0};
}

}  // namespace

TEST_SUITE("bench") {
  TEST_CASE("every message once and in order is complete with nothing lost") {
    delivery_tally tally({3, 2}, 1);
    for (std::uint64_t s = 0; s < 3; ++s) tally.add(measured(0, s));
    CHECK_FALSE(tally.complete());
    for (std::uint64_t s = 0; s < 2; ++s) tally.add(measured(1, s));
    CHECK(tally.complete());
    const auto c = tally.counts();
    CHECK(c.expected == 5);
    CHECK(c.delivered == 5);
    CHECK(c.lost == 0);
    CHECK(c.duplicated == 0);
    CHECK(c.reordered == 0);
  }

  TEST_CASE("a missing message is lost and a repeated one duplicated") {
    delivery_tally tally({4}, 1);
    tally.add(measured(0, 0));
    tally.add(measured(0, 1));
    tally.add(measured(0, 1));
    tally.add(measured(0, 3));
    const auto c = tally.counts();
    CHECK_FALSE(tally.complete());
    CHECK(c.lost == 1);
    CHECK(c.duplicated == 1);
    CHECK(c.reordered == 0);
  }

  TEST_CASE("a message after a later one of its sender is reordered") {
    delivery_tally tally({3}, 1);
    tally.add(measured(0, 0));
    tally.add(measured(0, 2));
    tally.add(measured(0, 1));
    CHECK(tally.complete());
    CHECK(tally.counts().reordered == 1);
  }

  TEST_CASE("a group of displays expects each message once per display") {
    delivery_tally tally({2}, 3);
    for (int copy = 0; copy < 3; ++copy) tally.add(measured(0, 1));
    tally.add(measured(0, 0));
    CHECK(tally.counts().lost == 2);
    tally.add(measured(0, 0));
    tally.add(measured(0, 0));
    tally.add(measured(0, 0));
    CHECK(tally.complete());
    CHECK(tally.counts().duplicated == 1);
  }

  TEST_CASE("unknown senders and sequences are foreign - not deliveries") {
    delivery_tally tally({1}, 1);
    tally.add(measured(1, 0));
    tally.add(measured(0, 7));
    tally.add_foreign();
    CHECK(tally.counts().foreign == 3);
    CHECK(tally.counts().delivered == 0);
  }
}
