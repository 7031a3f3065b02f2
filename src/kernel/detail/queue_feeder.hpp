#pragma once
// Moves MESSAGE frames arriving on a connection into a queue, a read's worth at a time
// (one lock per batch, not per message). The messages of a read share one buffer: one
// allocation per read, not per message, and none freed by another thread for each. When
// the queue is full it stops reading the connection, so TCP pushes back on the sender,
// and starts again once the queue drains.

#include "kernel/detail/queue.hpp"
#include "net/framed_connection.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace imchat::detail {

class queue_feeder : public std::enable_shared_from_this<queue_feeder> {
 public:
  // How a batch goes into the queue: queue::push_some's contract (takes what fits, calls
  // `resume` later when it did not take everything). A publisher's stream wraps it to
  // check that the stream is still its own.
  using push_function = std::function<std::size_t(std::span<message> batch, std::function<void()> resume)>;

  queue_feeder(std::shared_ptr<net::framed_connection> connection, push_function push)
      : connection_(std::move(connection)), push_(std::move(push)) {}
  // Straight into `target`.
  queue_feeder(std::shared_ptr<net::framed_connection> connection, std::shared_ptr<queue> target);

  // For on_frame: a MESSAGE frame's body becomes a data message (when the batch is
  // handed on: the view must stay valid until then, as frames do until on_batch_end).
  void add(wire::frame_view frame);
  // For on_batch_end: hands the batch to the queue.
  void flush();

  // How many messages the queue has taken from this connection.
  std::uint64_t accepted() const noexcept { return accepted_; }

 private:
  void resume();
  // The bodies added since the last flush, as messages sharing one buffer.
  void make_messages();

  std::shared_ptr<net::framed_connection> connection_;
  push_function push_;
  std::vector<std::span<const std::byte>> added_;  // bodies seen, not yet messages
  std::vector<message> batch_;
  std::size_t delivered_ = 0;  // how much of batch_ the queue has taken
  std::uint64_t accepted_ = 0;
  bool paused_ = false;
};

}  // namespace imchat::detail
