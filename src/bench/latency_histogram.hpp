#pragma once
// Latencies recorded HDR-style: buckets whose width grows with the value, so that every
// recorded value is known to within 1/128 (under 0.8 %) in constant memory, however many
// millions are recorded. Percentiles are read by rank (nearest-rank definition); the
// maximum is kept exactly. Standard library only (bench/zmq compiles it too).

#include <array>
#include <cstdint>

namespace imchat::bench {

struct latency_summary {
  std::uint64_t count = 0;
  std::int64_t p50_ns = 0, p90_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;
};

class latency_histogram {
 public:
  // A negative latency (clocks agree, so only rounding makes one) counts as 0.
  void record(std::int64_t ns) noexcept;
  void merge(const latency_histogram& other) noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::int64_t max() const noexcept { return max_; }
  // The smallest recorded value v such that a fraction `q` (0 < q <= 1) of the values
  // are <= v, to within the bucket width; 0 when nothing was recorded.
  std::int64_t percentile(double q) const noexcept;
  latency_summary summary() const noexcept;

 private:
  static constexpr int sub_bits = 7;  // 128 buckets per power of two
  static constexpr std::size_t bucket_count = (64 - sub_bits + 1) << sub_bits;
  static std::size_t bucket_of(std::uint64_t value) noexcept;
  static std::int64_t value_of(std::size_t bucket) noexcept;  // the bucket's highest value

  std::array<std::uint64_t, bucket_count> buckets_{};
  std::uint64_t count_ = 0;
  std::int64_t max_ = 0;
};

}  // namespace imchat::bench
