// The bench's percentiles: nearest-rank over buckets 1/128 wide, the maximum exact.

#include "bench/latency_histogram.hpp"

#include <doctest/doctest.h>

#include <cmath>

using imchat::bench::latency_histogram;

namespace {

// Within the histogram's precision (one bucket, under 0.8 %) of `expected`.
bool near(std::int64_t measured, double expected) {
  return std::abs(static_cast<double>(measured) - expected) <= expected / 128 + 1;
}

}  // namespace

TEST_SUITE("bench") {
  TEST_CASE("an empty histogram has every percentile 0") {
    const latency_histogram empty;
    CHECK(empty.count() == 0);
    CHECK(empty.percentile(0.5) == 0);
    CHECK(empty.summary().max_ns == 0);
  }

  TEST_CASE("small values are exact") {
    latency_histogram h;
    for (std::int64_t v = 1; v <= 100; ++v) h.record(v);
    CHECK(h.percentile(0.50) == 50);
    CHECK(h.percentile(0.90) == 90);
    CHECK(h.percentile(0.99) == 99);
    CHECK(h.percentile(1.0) == 100);
    CHECK(h.max() == 100);
  }

  TEST_CASE("percentiles of a uniform spread are within a bucket of the nearest rank") {
    latency_histogram h;
    for (std::int64_t us = 1; us <= 100'000; ++us) h.record(us * 1000);  // 1 us ... 100 ms
    const auto s = h.summary();
    CHECK(s.count == 100'000);
    CHECK(near(s.p50_ns, 50'000'000));
    CHECK(near(s.p90_ns, 90'000'000));
    CHECK(near(s.p99_ns, 99'000'000));
    CHECK(near(s.p999_ns, 99'900'000));
    CHECK(s.max_ns == 100'000'000);
  }

  TEST_CASE("a few slow values show in the high percentiles only") {
    latency_histogram h;
    for (int i = 0; i < 9'990; ++i) h.record(1'000);
    for (int i = 0; i < 10; ++i) h.record(5'000'000'000);
    CHECK(near(h.percentile(0.99), 1'000));
    CHECK(near(h.percentile(0.999), 1'000));
    CHECK(near(h.percentile(0.9991), 5'000'000'000));
    CHECK(h.max() == 5'000'000'000);
  }

  TEST_CASE("merged histograms give the percentiles of all their values") {
    latency_histogram low, high, all;
    for (std::int64_t v = 1; v <= 500; ++v) {
      low.record(v * 977);
      all.record(v * 977);
    }
    for (std::int64_t v = 501; v <= 1000; ++v) {
      high.record(v * 977);
      all.record(v * 977);
    }
    low.merge(high);
    CHECK(low.count() == 1000);
    for (const double q : {0.1, 0.5, 0.9, 0.99, 0.999}) CHECK(low.percentile(q) == all.percentile(q));
    CHECK(low.max() == 1000 * 977);
  }

  TEST_CASE("a negative latency counts as 0") {
    latency_histogram h;
    h.record(-5);
    CHECK(h.count() == 1);
    CHECK(h.percentile(1.0) == 0);
  }
}
