#pragma once
// Moves MESSAGE frames arriving on a connection into a queue, a read's worth at a time
// (one lock per batch, not per message). When the queue is full it stops reading the
// connection, so TCP pushes back on the sender, and starts again once the queue drains.

#include "kernel/queue.hpp"
#include "net/framed_connection.hpp"

#include <memory>
#include <vector>

namespace imchat {

class queue_feeder : public std::enable_shared_from_this<queue_feeder> {
 public:
  queue_feeder(std::shared_ptr<queue> target, std::shared_ptr<net::framed_connection> connection)
      : queue_(std::move(target)), connection_(std::move(connection)) {}

  // For on_frame: a MESSAGE frame's body becomes a data message.
  void add(const wire::frame& frame);
  // For on_batch_end: hands the batch to the queue.
  void flush();

  queue& target() noexcept { return *queue_; }

 private:
  void resume();

  std::shared_ptr<queue> queue_;
  std::shared_ptr<net::framed_connection> connection_;
  std::vector<message> batch_;
  std::size_t delivered_ = 0;  // how much of batch_ the queue has taken
  bool paused_ = false;
};

}  // namespace imchat
