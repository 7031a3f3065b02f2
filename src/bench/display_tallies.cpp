#include "bench/display_tallies.hpp"

#include <algorithm>
#include <limits>

namespace imchat::bench {

display_tallies::display_tallies(const std::vector<std::uint64_t>& per_sender, std::size_t displays) {
  tallies_.reserve(displays);
  for (std::size_t i = 0; i < displays; ++i) tallies_.emplace_back(per_sender, 1);
}

bool display_tallies::complete() const noexcept {
  return std::all_of(tallies_.begin(), tallies_.end(), [](const auto& tally) { return tally.complete(); });
}

std::uint64_t display_tallies::progress() const noexcept {
  if (tallies_.empty()) return 0;
  auto least = std::numeric_limits<std::uint64_t>::max();
  for (const auto& tally : tallies_) least = std::min(least, tally.progress());
  return least;
}

delivery_counts display_tallies::counts() const {
  delivery_counts total;
  for (const auto& tally : tallies_) total += tally.counts();
  return total;
}

}  // namespace imchat::bench
