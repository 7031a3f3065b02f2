#pragma once
// What a group of displays (one display thread's) received, display by display: one
// delivery_tally each, so that loss, duplication and order are checked for every display
// (a loss at one can never cancel a duplicate at another, and order holds or fails per
// display however the group's displays interleave). The group's progress, for the send
// window, is its slowest display's. Standard library only.

#include "bench/delivery_tally.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace imchat::bench {

class display_tallies {
 public:
  // `displays` displays, each expecting `per_sender[s]` messages from sender s once.
  display_tallies(const std::vector<std::uint64_t>& per_sender, std::size_t displays);

  void add(std::size_t display, const payload_fields& fields) { tallies_[display].add(fields); }
  void add_foreign(std::size_t display) noexcept { tallies_[display].add_foreign(); }

  // Every display has every message.
  bool complete() const noexcept;
  // What the slowest display has taken: what flow control waits for.
  std::uint64_t progress() const noexcept;
  // The counts of all the group's displays, summed.
  delivery_counts counts() const;

 private:
  std::vector<delivery_tally> tallies_;
};

}  // namespace imchat::bench
