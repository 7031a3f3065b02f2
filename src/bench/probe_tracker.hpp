#pragma once
// Whether a group of displays is bound: once every sender has one probe that reached
// every display of the group, the displays all listen and every sender's connection to
// the room is up, so nothing measured can be sent before a display listens.
// Standard library only (bench/zmq compiles it too).

#include "bench/payload.hpp"

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace imchat::bench {

class probe_tracker {
 public:
  probe_tracker(unsigned senders, unsigned displays) : ready_(senders, false), displays_(displays) {}

  // Counts a probe; true once the group is bound.
  bool add(const payload_fields& probe);
  bool bound() const noexcept { return ready_count_ == ready_.size(); }

 private:
  std::vector<bool> ready_;  // per sender
  std::size_t ready_count_ = 0;
  std::map<std::pair<std::uint32_t, std::uint64_t>, unsigned> arrivals_;
  const unsigned displays_;
};

}  // namespace imchat::bench
