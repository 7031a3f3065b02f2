#include "kernel/detail/fanout_pipe.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace imchat::detail {

void fanout_pipe::post(const message& m) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(m);
    wake = !drain_scheduled_;
    drain_scheduled_ = true;
  }
  if (wake) boost::asio::post(io_, [self = shared_from_this()] { self->drain(); });
}

void fanout_pipe::drain() {
  {
    std::lock_guard lock(mutex_);
    std::swap(pending_, draining_);
    drain_scheduled_ = false;
  }
  // A sink may detach itself while taking the batch: iterate over a snapshot.
  const auto sinks = sinks_;
  encoded_batch encoded(draining_);
  for (const auto& sink : sinks) sink->deliver(draining_, encoded);
  draining_.clear();
}

bool fanout_pipe::empty() const {
  std::lock_guard lock(mutex_);
  return pending_.empty();
}

void fanout_pipe::attach(std::shared_ptr<message_sink> sink) { sinks_.push_back(std::move(sink)); }

void fanout_pipe::detach(const message_sink* sink) {
  std::erase_if(sinks_, [sink](const auto& each) { return each.get() == sink; });
}

}  // namespace imchat::detail
