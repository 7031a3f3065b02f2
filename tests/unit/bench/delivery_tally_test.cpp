// The bench's accounting: loss, duplication and reordering each counted as what they are.

#include "bench/delivery_tally.hpp"
#include "bench/display_tallies.hpp"
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

  // A display group's tally, display by display (display_tallies.hpp): what one display
  // lost is never made up by what another got twice, and order is checked at every one.


TEST_CASE("display tallies: a loss at one display and a duplicate at another do not cancel") {
  display_tallies tally({3}, 2);
  for (std::uint64_t i = 0; i < 3; ++i) tally.add(0, measured(0, i));
  tally.add(0, measured(0, 1));  // display 0 got message 1 twice...
  tally.add(1, measured(0, 0));
  tally.add(1, measured(0, 2));  // ...and display 1 never got it
  const auto counts = tally.counts();
  CHECK(counts.expected == 6);
  CHECK(counts.delivered == 6);
  CHECK(counts.duplicated == 1);
  CHECK(counts.lost == 1);
  CHECK_FALSE(tally.complete());
  CHECK(tally.progress() == 2);  // the slowest display's
  tally.add(1, measured(0, 1));
  CHECK(tally.complete());
  CHECK(tally.progress() == 3);
}

TEST_CASE("display tallies: order is checked at every display of the group") {
  display_tallies tally({2, 2}, 3);
  for (std::size_t display = 0; display < 3; ++display) {
    tally.add(display, measured(0, 0));
    tally.add(display, measured(1, 0));
  }
  tally.add(0, measured(0, 1));
  tally.add(0, measured(1, 1));
  tally.add(1, measured(1, 1));
  tally.add(1, measured(0, 1));  // senders interleave: still in order per sender
  tally.add(2, measured(0, 1));
  tally.add(2, measured(1, 1));
  CHECK(tally.counts().reordered == 0);

  display_tallies swapped({2}, 2);
  swapped.add(0, measured(0, 0));
  swapped.add(0, measured(0, 1));
  swapped.add(1, measured(0, 1));
  swapped.add(1, measured(0, 0));  // display 1 got them the wrong way round
  CHECK(swapped.counts().reordered == 1);
  CHECK(swapped.complete());
}

TEST_CASE("display tallies: a message that is not a measured one is counted as foreign") {
  display_tallies tally({1}, 1);
  tally.add_foreign(0);
  tally.add(0, measured(5, 0));  // no such sender
  CHECK(tally.counts().foreign == 2);
  CHECK_FALSE(tally.complete());
}
}
