#include "bench/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace imchat::bench {

std::size_t latency_histogram::bucket_of(std::uint64_t value) noexcept {
  constexpr std::uint64_t exact = 1u << sub_bits;
  if (value < exact) return value;
  const int shift = static_cast<int>(std::bit_width(value)) - 1 - sub_bits;  // value >> shift is in [128, 256)
  return (static_cast<std::size_t>(shift + 1) << sub_bits) + ((value >> shift) - exact);
}

std::int64_t latency_histogram::value_of(std::size_t bucket) noexcept {
  constexpr std::size_t exact = std::size_t{1} << sub_bits;
  if (bucket < exact) return static_cast<std::int64_t>(bucket);
  const auto shift = static_cast<int>(bucket >> sub_bits) - 1;
  const std::uint64_t low = (exact + (bucket & (exact - 1))) << shift;
  return static_cast<std::int64_t>(low + ((std::uint64_t{1} << shift) - 1));
}

void latency_histogram::record(std::int64_t ns) noexcept {
  ns = std::max<std::int64_t>(ns, 0);
  ++buckets_[bucket_of(static_cast<std::uint64_t>(ns))];
  ++count_;
  max_ = std::max(max_, ns);
}

void latency_histogram::merge(const latency_histogram& other) noexcept {
  for (std::size_t i = 0; i < bucket_count; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

std::int64_t latency_histogram::percentile(double q) const noexcept {
  if (count_ == 0) return 0;
  const auto rank = std::clamp<std::uint64_t>(
      static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))), 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(value_of(i), max_);
  }
  return max_;
}

latency_summary latency_histogram::summary() const noexcept {
  return {.count = count_,
          .p50_ns = percentile(0.50),
          .p90_ns = percentile(0.90),
          .p99_ns = percentile(0.99),
          .p999_ns = percentile(0.999),
          .max_ns = max_};
}

}  // namespace imchat::bench
