#pragma once
// What displays received, checked against what the senders sent: each (sender,
// sequence) must arrive exactly `copies` times. Counting each one, rather than trusting
// sequence gaps, tells loss from duplication. Order is checked per sender when `copies`
// is 1: one display's tally, as the bench keeps them (display_tallies.hpp); with several
// displays in one tally, their interleaving would hide it. Standard library only.

#include "bench/payload.hpp"

#include <cstdint>
#include <vector>

namespace imchat::bench {

struct delivery_counts {
  std::uint64_t expected = 0;    // deliveries that should arrive
  std::uint64_t delivered = 0;   // measured messages that arrived (duplicates included)
  std::uint64_t lost = 0;        // expected but never arrived
  std::uint64_t duplicated = 0;  // arrived more often than there are displays
  std::uint64_t reordered = 0;   // arrived after a later one of the same sender
  std::uint64_t foreign = 0;     // not a measured message of this run
  delivery_counts& operator+=(const delivery_counts& other);
};

class delivery_tally {
 public:
  // `per_sender[s]` messages from sender s (sequences 0...n-1), each expected `copies` times.
  delivery_tally(std::vector<std::uint64_t> per_sender, unsigned copies);

  // Counts a measured message.
  void add(const payload_fields& fields);
  // Counts a message that is not a measured one of this run.
  void add_foreign() noexcept { ++foreign_; }

  // Every expected delivery has arrived.
  bool complete() const noexcept { return useful_ == expected_; }
  std::uint64_t delivered() const noexcept { return delivered_; }
  // Messages the group has taken, per display on average: what flow control waits for.
  std::uint64_t progress() const noexcept { return useful_ / copies_; }
  // The counts so far (lost: what has not arrived yet).
  delivery_counts counts() const;

 private:
  std::vector<std::uint64_t> first_;  // index of each sender's first count
  std::vector<std::uint64_t> sizes_;
  std::vector<std::uint16_t> seen_;   // arrivals per (sender, sequence)
  std::vector<std::uint64_t> next_;   // per sender, one past the highest sequence seen
  const unsigned copies_;
  std::uint64_t expected_ = 0;
  std::uint64_t useful_ = 0;  // arrivals that were still expected
  std::uint64_t delivered_ = 0;
  std::uint64_t duplicated_ = 0;
  std::uint64_t reordered_ = 0;
  std::uint64_t foreign_ = 0;
};

}  // namespace imchat::bench
