#include "net/outbound_queue.hpp"

#include <algorithm>

namespace imchat::net {

namespace {
// A buffer of its own larger than this is not kept once written: a connection that once
// had a large backlog does not hold its memory for good.
constexpr std::size_t max_spare = 64 * 1024;
}  // namespace

wire::bytes& outbound_queue::own() {
  if (tail_open_) return chunks_.back().own;
  auto& tail = chunks_.emplace_back();
  tail.own = std::move(spare_);
  tail.own.clear();
  spare_ = {};
  tail_open_ = true;
  return tail.own;
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

const std::vector<boost::asio::const_buffer>& outbound_queue::take_for_write(std::size_t max_buffers) {
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
  return buffers_;
}

void outbound_queue::written() {
  for (; frozen_ > 0; --frozen_) {
    auto& front = chunks_.front();
    settled_ -= front.bytes();
    // One buffer of its own is kept for the next chunk, the larger one.
    if (!front.shared && front.own.capacity() > spare_.capacity() && front.own.capacity() <= max_spare)
      spare_ = std::move(front.own);
    chunks_.pop_front();
  }
  frozen_bytes_ = 0;
}

void outbound_queue::clear() {
  chunks_.clear();
  frozen_ = frozen_bytes_ = settled_ = 0;
  tail_open_ = false;
  buffers_.clear();
}

}  // namespace imchat::net
