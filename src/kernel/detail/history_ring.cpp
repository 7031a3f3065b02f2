#include "kernel/detail/history_ring.hpp"

#include <algorithm>
#include <iterator>

namespace imchat::detail {

history_ring::history_ring(history_limits limits, std::uint64_t next, const std::vector<message>& recent)
    : limits_(limits), next_(std::max<std::uint64_t>(next, 1)) {
  // Only an unbroken run that ends just before `next` can be numbered from it.
  auto first = recent.end();
  for (std::uint64_t number = next_ - 1; first != recent.begin() && std::prev(first)->sequence() == number; --number)
    --first;
  for (auto at = first; at != recent.end(); ++at) keep(*at, {});
}

void history_ring::append(message& m, std::chrono::system_clock::time_point now) {
  std::lock_guard lock(mutex_);
  m.set_sequence(next_++);
  keep(m, now);
}

void history_ring::keep(const message& m, std::chrono::system_clock::time_point at) {
  if (limits_.max_messages == 0) return;
  kept_.push_back(m);
  times_.push_back(at);
  bytes_ += m.size();
  while (kept_.size() > limits_.max_messages || (bytes_ > limits_.max_bytes && kept_.size() > 1)) {
    bytes_ -= kept_.front().size();
    kept_.pop_front();
    times_.pop_front();
  }
}

history_ring::slice history_ring::read(std::uint64_t from, std::size_t max_bytes) const {
  std::lock_guard lock(mutex_);
  const std::uint64_t oldest = next_ - kept_.size();
  slice out{std::clamp(from, oldest, next_), next_, {}};
  std::size_t bytes = 0;
  for (auto at = kept_.begin() + static_cast<std::ptrdiff_t>(out.first - oldest);
       at != kept_.end() && (out.messages.empty() || bytes + at->size() <= max_bytes); ++at) {
    bytes += at->size();
    out.messages.push_back(*at);
  }
  return out;
}

std::uint64_t history_ring::next() const {
  std::lock_guard lock(mutex_);
  return next_;
}

std::uint64_t history_ring::oldest() const {
  std::lock_guard lock(mutex_);
  return next_ - kept_.size();
}

std::uint64_t history_ring::first_since(std::chrono::system_clock::time_point time) const {
  std::lock_guard lock(mutex_);
  // Times go up as messages are appended, unless the clock was set back: then this finds
  // one of the places where the times cross `time`, which is as good an answer.
  std::size_t low = 0, high = times_.size();
  while (low < high) {
    const auto middle = low + (high - low) / 2;
    if (times_[middle] < time)
      low = middle + 1;
    else
      high = middle;
  }
  return next_ - (times_.size() - low);
}

std::uint64_t stream_start(std::uint64_t own_incarnation, std::uint64_t seen_incarnation,
                           std::uint64_t wanted_next, std::uint32_t history, std::uint64_t oldest,
                           std::uint64_t next, bool replay_to_earlier, std::optional<std::uint64_t> first_since) {
  std::uint64_t start = next;
  if (seen_incarnation == own_incarnation && wanted_next != 0)
    start = wanted_next;
  else if (seen_incarnation != 0 && (seen_incarnation == own_incarnation || replay_to_earlier))
    start = 1;
  else if (!first_since)
    start = next - std::min<std::uint64_t>(history, next - 1);
  else
    start = std::max(*first_since, history ? next - std::min<std::uint64_t>(history, next - 1) : 0);
  return std::clamp(start, oldest, next);
}

}  // namespace imchat::detail
