#pragma once
// A remote publisher's stream into one of our global queues (a prompt bound to the room's
// Q_<room>). ATTACHED tells it which number the queue expects next; MESSAGE frames are
// numbered on from there, go into the queue through the publisher_registry (which drops
// what was already queued), and each read's worth is acknowledged with one ACK (or, for a
// queue whose application stores what it takes, when it has: publisher_registry).

#include "kernel/detail/publisher_registry.hpp"
#include "kernel/detail/queue.hpp"
#include "kernel/detail/queue_feeder.hpp"
#include "net/framed_connection.hpp"
#include "wire/control_frames.hpp"

#include <memory>

namespace imchat::detail {

class publisher_session : public std::enable_shared_from_this<publisher_session> {
 public:
  publisher_session(std::shared_ptr<net::framed_connection> connection, std::shared_ptr<queue> into,
                    std::shared_ptr<publisher_registry> publishers, std::uint64_t incarnation)
      : connection_(std::move(connection)),
        into_(std::move(into)),
        publishers_(std::move(publishers)),
        incarnation_(incarnation) {}

  // Answers the ATTACH and takes over the connection's callbacks.
  void start(const wire::attach_request& request);

 private:
  std::size_t push(std::span<message> batch, std::function<void()> resume);

  std::shared_ptr<net::framed_connection> connection_;
  std::shared_ptr<queue> into_;
  std::shared_ptr<publisher_registry> publishers_;
  const std::uint64_t incarnation_;
  std::shared_ptr<queue_feeder> feeder_;
  std::uint64_t publisher_ = 0;
  std::uint64_t generation_ = 0;
  std::uint64_t next_ = 0;  // the number the queue expects next on this stream
};

}  // namespace imchat::detail
