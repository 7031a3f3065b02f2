#include "net/outbound_queue.hpp"

#include <algorithm>

namespace imchat::net {

namespace {
// A buffer of its own larger than this is not kept once written: a connection that once
// had a large backlog does not hold its memory for good.
constexpr std::size_t max_spare = 64 * 1024;
}  // namespace

wire::bytes& outbound_queue::own() {
  if (!tail_open_) {
    // An emptied chunk of its own left at the end (its buffer kept) is taken up again.
    if (chunks_.size() <= frozen_ || chunks_.back().shared || !chunks_.back().own.empty()) chunks_.emplace_back();
    tail_open_ = true;
  }
  return chunks_.back().own;
}

void outbound_queue::close_tail() noexcept {
  if (!tail_open_) return;
  settled_ += chunks_.back().own.size();
  tail_open_ = false;
}

void outbound_queue::append_shared(std::shared_ptr<const wire::bytes> buffer, std::size_t offset, std::size_t size) {
  if (size == 0) return;
  close_tail();
  auto& tail = chunks_.emplace_back();
  tail.shared = std::move(buffer);
  tail.offset = offset;
  tail.size = size;
  settled_ += size;
}

std::span<const boost::asio::const_buffer> outbound_queue::take_for_write(std::size_t max_buffers) {
  close_tail();
  buffers_.clear();
  frozen_ = std::min(chunks_.size(), std::max<std::size_t>(max_buffers, 1));
  frozen_bytes_ = 0;
  for (std::size_t i = 0; i < frozen_; ++i) {
    const auto& each = chunks_[i];
    const auto bytes = each.bytes();
    frozen_bytes_ += bytes;
    if (bytes == 0) continue;
    buffers_.emplace_back(each.shared ? each.shared->data() + each.offset : each.own.data(), bytes);
  }
  return {buffers_.data(), buffers_.size()};
}

void outbound_queue::written() {
  for (std::size_t i = 0; i < frozen_; ++i) settled_ -= chunks_[i].bytes();
  if (frozen_ == chunks_.size() && frozen_ > 0 && !chunks_.front().shared &&
      chunks_.front().own.capacity() <= max_spare) {
    // All written: the first chunk's buffer stays, emptied, for what comes next.
    chunks_.front().own.clear();
    chunks_.erase(chunks_.begin() + 1, chunks_.end());
  } else {
    chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(frozen_));
  }
  frozen_ = frozen_bytes_ = 0;
}

void outbound_queue::clear() {
  chunks_.clear();
  frozen_ = frozen_bytes_ = settled_ = 0;
  tail_open_ = false;
  buffers_.clear();
}

}  // namespace imchat::net
