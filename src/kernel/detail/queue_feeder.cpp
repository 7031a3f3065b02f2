#include "kernel/detail/queue_feeder.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace imchat::detail {

queue_feeder::queue_feeder(std::shared_ptr<net::framed_connection> connection, std::shared_ptr<queue> target)
    : queue_feeder(std::move(connection), [target](std::span<message> batch, std::function<void()> resume) {
        return target->push_some(batch, std::move(resume));
      }) {}

void queue_feeder::add(wire::frame_view frame) { added_.push_back(frame.body); }

void queue_feeder::make_messages() {
  if (added_.empty()) return;
  std::size_t total = 0;
  for (const auto& body : added_) total += body.size();
  auto shared = total ? std::make_shared_for_overwrite<std::byte[]>(total) : nullptr;
  std::size_t offset = 0;
  for (const auto& body : added_) {
    std::copy(body.begin(), body.end(), shared.get() + offset);
    batch_.push_back(message::sharing(shared, offset, body.size()));
    offset += body.size();
  }
  added_.clear();
}

void queue_feeder::flush() {
  // A closed connection's frames are not acknowledged: their sender sends them again.
  // Bodies added in a read the close cut short are not read at all: the read's end never
  // came (no on_batch_end), so their views may show bytes that are no longer theirs.
  if (connection_->closed()) {
    added_.clear();
    return;
  }
  make_messages();
  if (paused_ || delivered_ == batch_.size()) return;
  std::weak_ptr<queue_feeder> weak = shared_from_this();
  auto executor = connection_->executor();
  const auto taken = push_(std::span(batch_).subspan(delivered_), [weak, executor] {
    boost::asio::post(executor, [weak] {
      if (auto self = weak.lock()) self->resume();
    });
  });
  delivered_ += taken;
  accepted_ += taken;
  if (delivered_ < batch_.size()) {
    paused_ = true;
    connection_->pause_reading();
    return;
  }
  batch_.clear();
  delivered_ = 0;
}

void queue_feeder::resume() {
  paused_ = false;
  flush();
  if (!paused_) connection_->resume_reading();
}

}  // namespace imchat::detail
