#pragma once
// When each message of an open-loop run is meant to be sent: the senders share one
// schedule at the total rate, interleaved, whatever the system under test does. Latency
// is measured from these times, not from the actual send, so a stall that delays the
// senders shows in the figures instead of hiding (no coordinated omission).

#include <cstdint>

namespace imchat::bench {

class open_loop_schedule {
 public:
  open_loop_schedule(std::int64_t start_ns, double rate, unsigned senders) noexcept
      : start_ns_(start_ns), period_ns_(1e9 / rate), senders_(senders) {}

  // The intended send time of message `sequence` of sender `sender`.
  std::int64_t intended_ns(unsigned sender, std::uint64_t sequence) const noexcept {
    const auto slot = static_cast<double>(sequence * senders_ + sender);
    return start_ns_ + static_cast<std::int64_t>(slot * period_ns_);
  }

 private:
  std::int64_t start_ns_;
  double period_ns_;
  unsigned senders_;
};

}  // namespace imchat::bench
