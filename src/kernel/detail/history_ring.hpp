#pragma once
// What a global exchange remembers of what it published: every data message gets the
// next number (1, 2, 3...), and the latest ones are kept, bounded by count and bytes, so
// that a subscriber that reconnects (or joins asking for history) can be sent what it
// missed. Each kept message has the time it was appended, for subscribers that ask for
// what was said since a time. The sending thread appends; I/O threads read, so it is
// locked.

#include "kernel/options.hpp"
#include "kernel/message.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace imchat::detail {

class history_ring {
 public:
  explicit history_ring(history_limits limits) : limits_(limits) {}
  // Carried on from an earlier run: numbering goes on from `next`, and of `recent` (the
  // messages numbered just before it, oldest first) the latest that the limits allow are
  // kept, with no time (older than any: the exchange's archive knows theirs).
  history_ring(history_limits limits, std::uint64_t next, const std::vector<message>& recent);

  // Sending thread: gives `m` the next number and keeps it, forgetting the oldest
  // messages beyond the limits.
  void append(message& m, std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

  struct slice {
    std::uint64_t first = 0;  // the number of messages[0]; past `from` if older ones are gone
    std::uint64_t next = 0;   // the number the next appended message will get
    std::vector<message> messages;
  };
  // The kept messages numbered `from` and after, at most about `max_bytes` of them (always
  // at least one when there is one).
  slice read(std::uint64_t from, std::size_t max_bytes) const;

  // The number the next appended message will get.
  std::uint64_t next() const;
  // The number of the oldest message kept (next() when none is).
  std::uint64_t oldest() const;
  // The number of the first kept message appended at `time` or later (next() when none is).
  std::uint64_t first_since(std::chrono::system_clock::time_point time) const;

 private:
  // With the lock held (or during construction): keeps `m`, numbered, within the limits.
  void keep(const message& m, std::chrono::system_clock::time_point at);

  const history_limits limits_;
  mutable std::mutex mutex_;
  std::deque<message> kept_;
  std::deque<std::chrono::system_clock::time_point> times_;  // of kept_, one each
  std::size_t bytes_ = 0;
  std::uint64_t next_ = 1;
};

// Where a subscriber's stream starts (the number of the first message it is sent), from
// what it asked for in ATTACH and what the exchange holds: the message after the last it
// saw, if it saw this incarnation; everything this incarnation published, if it saw an
// earlier one (the exchange restarted) and `replay_to_earlier` (this incarnation is
// young: history_limits::restart_replay); else, as for a new subscriber, the latest
// `history` messages, or those from `first_since` on (the first message at the time it
// asked for: with `history` too, at most that many of them). Never before the oldest
// message kept, never past `next`.
std::uint64_t stream_start(std::uint64_t own_incarnation, std::uint64_t seen_incarnation,
                           std::uint64_t wanted_next, std::uint32_t history, std::uint64_t oldest,
                           std::uint64_t next, bool replay_to_earlier = true,
                           std::optional<std::uint64_t> first_since = std::nullopt);

}  // namespace imchat::detail
