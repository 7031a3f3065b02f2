#include "kernel/queue_feeder.hpp"

#include <boost/asio/post.hpp>

namespace imchat {

void queue_feeder::add(const wire::frame& frame) { batch_.emplace_back(std::span(frame.body)); }

void queue_feeder::flush() {
  if (paused_ || delivered_ == batch_.size()) return;
  std::weak_ptr<queue_feeder> weak = shared_from_this();
  auto executor = connection_->executor();
  delivered_ += queue_->push_some(std::span(batch_).subspan(delivered_), [weak, executor] {
    boost::asio::post(executor, [weak] {
      if (auto self = weak.lock()) self->resume();
    });
  });
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

}  // namespace imchat
