#include "net/reconnect_backoff.hpp"

#include <doctest/doctest.h>

#include <initializer_list>
#include <set>

using namespace std::chrono_literals;
using imchat::net::reconnect_backoff;

namespace {

// Draws `count` delays at step d (the first step of a fresh backoff of [d, d]): all of
// them, for range and spread checks.
std::multiset<long> delays_at(std::chrono::milliseconds d, int count) {
  std::multiset<long> seen;
  for (int i = 0; i < count; ++i) seen.insert(reconnect_backoff(d, d).next().count());
  return seen;
}

// Checks that the next delays lie in [d/2, d] for each d of `steps` in turn.
void check_steps(reconnect_backoff& backoff, std::initializer_list<long> steps) {
  for (const long d : steps) {
    CAPTURE(d);
    const auto delay = backoff.next().count();
    CHECK(delay >= d / 2);
    CHECK(delay <= d);
  }
}

}  // namespace

TEST_SUITE("net") {

TEST_CASE("reconnect backoff: each delay lies in [d/2 - d] where d doubles from min to max") {
  reconnect_backoff backoff(100ms, 1600ms);
  check_steps(backoff, {100, 200, 400, 800, 1600, 1600, 1600, 1600});
}

TEST_CASE("reconnect backoff: a step that would pass max is max") {
  reconnect_backoff backoff(300ms, 1000ms);
  check_steps(backoff, {300, 600, 1000, 1000, 1000});  // 1000, not 1200
}

TEST_CASE("reconnect backoff: the delays reach past half of max and never beyond it") {
  // Once at max, many draws: uniform over [500, 1000] must cover its upper half too, or
  // the backoff would not really have doubled up to max.
  reconnect_backoff backoff(10ms, 1000ms);
  long largest = 0;
  for (int i = 0; i < 400; ++i) {
    const auto delay = backoff.next().count();
    CHECK(delay <= 1000);
    if (i >= 7) {  // 10 * 2^7 > 1000: at max from here on
      CHECK(delay >= 500);
      largest = std::max(largest, delay);
    }
  }
  CHECK(largest > 900);
}

TEST_CASE("reconnect backoff: the delays are jittered - not all the same") {
  const auto seen = delays_at(1000ms, 200);
  CHECK(*seen.begin() >= 500);
  CHECK(*seen.rbegin() <= 1000);
  // 200 draws from 501 values: almost surely many different ones, from both halves.
  CHECK(std::set<long>(seen.begin(), seen.end()).size() > 50);
  CHECK(*seen.begin() < 750);
  CHECK(*seen.rbegin() > 750);
}

TEST_CASE("reconnect backoff: reset starts again from min") {
  reconnect_backoff backoff(100ms, 10'000ms);
  for (int i = 0; i < 6; ++i) backoff.next();  // d is 6400 now
  const auto grown = backoff.next().count();
  CHECK(grown >= 3200);
  backoff.reset();
  check_steps(backoff, {100, 200, 400});
}

TEST_CASE("reconnect backoff: min equal to max gives delays in [max/2 - max] throughout") {
  reconnect_backoff backoff(40ms, 40ms);
  check_steps(backoff, {40, 40, 40, 40, 40, 40, 40, 40});
}

}  // TEST_SUITE
