#include "kernel/detail/queue.hpp"

#include <spdlog/spdlog.h>

namespace imchat::detail {

queue::queue(std::string name, imchat::scope scope, std::shared_ptr<receive_signal> signal,
             queue_limits limits)
    : name_(std::move(name)), scope_(scope), signal_(std::move(signal)), limits_(limits) {}

bool queue::full_locked(std::size_t extra_bytes) const noexcept {
  // An empty queue always takes one message, however large, so nothing can jam it.
  if (items_.empty()) return false;
  return items_.size() >= limits_.max_messages || bytes_ + extra_bytes > limits_.max_bytes;
}

void queue::push_locked(message&& m) {
  bytes_ += m.size();
  items_.push_back(std::move(m));
}

std::size_t queue::push_some(std::span<message> batch, std::function<void()> resume) {
  std::size_t pushed = 0;
  {
    std::lock_guard lock(signal_->mutex);
    while (pushed < batch.size() && !full_locked(batch[pushed].size()))
      push_locked(std::move(batch[pushed++]));
    if (pushed < batch.size()) waiting_sources_.push_back(std::move(resume));
  }
  if (pushed) signal_->arrived.notify_all();
  return pushed;
}

void queue::push_wait(message m) {
  {
    std::unique_lock lock(signal_->mutex);
    if (full_locked(m.size()) && signal_->owner == std::this_thread::get_id()) {
      spdlog::warn("queue '{}' is full and its own thread sends to it: message dropped", name_);
      if (items_.empty() || items_.back().type() != message_type::gap) push_locked(message::gap());
    } else {
      signal_->room.wait(lock, [&] { return !full_locked(m.size()); });
      push_locked(std::move(m));
    }
  }
  signal_->arrived.notify_all();
}

void queue::push_gap(std::uint64_t lost) {
  {
    std::lock_guard lock(signal_->mutex);
    if (!items_.empty() && items_.back().type() == message_type::gap) {
      const auto before = items_.back().lost();
      items_.back() = message::gap(before == 0 || lost == 0 ? 0 : before + lost);
      return;
    }
    push_locked(message::gap(lost));
  }
  signal_->arrived.notify_all();
}
void queue::push_notice(message_type type) {
  {
    std::lock_guard lock(signal_->mutex);
    if (type == message_type::disconnected && !items_.empty() &&
        items_.back().type() == message_type::reconnected) {
      items_.pop_back();
      return;
    }
    push_locked(message::notice(type));
  }
  signal_->arrived.notify_all();
}

std::optional<message> queue::pop_locked() {
  if (items_.empty()) return std::nullopt;
  message m = std::move(items_.front());
  items_.pop_front();
  bytes_ -= m.size();
  taken_locked();
  return m;
}

std::size_t queue::pop_many_locked(std::vector<message>& into, std::size_t max) {
  const auto n = std::min(max, items_.size());
  if (n == 0) return 0;
  for (std::size_t i = 0; i < n; ++i) {
    bytes_ -= items_.front().size();
    into.push_back(std::move(items_.front()));
    items_.pop_front();
  }
  taken_locked();
  return n;
}

void queue::taken_locked() {
  signal_->room.notify_all();
  if (!waiting_sources_.empty() && items_.size() <= limits_.max_messages / 2 &&
      bytes_ <= limits_.max_bytes / 2) {
    // Sources only post a resume to their own thread: safe to call under the lock.
    auto sources = std::move(waiting_sources_);
    waiting_sources_.clear();
    for (auto& resume : sources) resume();
  }
}

}  // namespace imchat::detail
