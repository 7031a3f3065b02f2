#include "bench/delivery_tally.hpp"

#include <limits>

namespace imchat::bench {

delivery_counts& delivery_counts::operator+=(const delivery_counts& other) {
  expected += other.expected;
  delivered += other.delivered;
  lost += other.lost;
  duplicated += other.duplicated;
  reordered += other.reordered;
  foreign += other.foreign;
  return *this;
}

delivery_tally::delivery_tally(std::vector<std::uint64_t> per_sender, unsigned copies)
    : sizes_(std::move(per_sender)), next_(sizes_.size(), 0), copies_(copies) {
  std::uint64_t total = 0;
  for (const auto n : sizes_) {
    first_.push_back(total);
    total += n;
  }
  seen_.assign(total, 0);
  expected_ = total * copies_;
}

void delivery_tally::add(const payload_fields& fields) {
  if (fields.sender >= sizes_.size() || fields.sequence >= sizes_[fields.sender]) {
    ++foreign_;
    return;
  }
  ++delivered_;
  auto& seen = seen_[first_[fields.sender] + fields.sequence];
  const bool first_arrival = seen == 0;
  if (seen < copies_) ++useful_;
  else ++duplicated_;
  if (seen < std::numeric_limits<std::uint16_t>::max()) ++seen;
  auto& next = next_[fields.sender];
  if (copies_ == 1 && first_arrival && fields.sequence < next) ++reordered_;
  if (fields.sequence >= next) next = fields.sequence + 1;
}

delivery_counts delivery_tally::counts() const {
  return {.expected = expected_,
          .delivered = delivered_,
          .lost = expected_ - useful_,
          .duplicated = duplicated_,
          .reordered = reordered_,
          .foreign = foreign_};
}

}  // namespace imchat::bench
