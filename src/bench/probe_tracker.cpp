#include "bench/probe_tracker.hpp"

namespace imchat::bench {

bool probe_tracker::add(const payload_fields& probe) {
  if (probe.sender < ready_.size() && ++arrivals_[{probe.sender, probe.sequence}] == displays_ &&
      !ready_[probe.sender]) {
    ready_[probe.sender] = true;
    ++ready_count_;
  }
  return bound();
}

}  // namespace imchat::bench
