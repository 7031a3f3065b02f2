#pragma once
// A remote queue's subscription to one of our global exchanges (a display bound to the
// room's E_<room>): a message_sink that writes each batch into the connection as MESSAGE
// frames. A subscriber that stops reading is cut off once its unsent output passes the
// limit, so that it can never make the exchange's process grow without bound; it
// reconnects by itself and is told of the gap.

#include "kernel/fanout_pipe.hpp"
#include "kernel/message_sink.hpp"
#include "net/framed_connection.hpp"

#include <memory>

namespace imchat {

class subscriber_session : public message_sink,
                           public std::enable_shared_from_this<subscriber_session> {
 public:
  subscriber_session(std::shared_ptr<net::framed_connection> connection,
                     std::shared_ptr<fanout_pipe> pipe, std::size_t max_outbound_bytes)
      : connection_(std::move(connection)), pipe_(pipe), max_outbound_bytes_(max_outbound_bytes) {}

  // Attaches to the pipe; detaches when the connection closes.
  void start();
  void deliver(std::span<const message> batch) override;

 private:
  std::shared_ptr<net::framed_connection> connection_;
  // Weak: the pipe holds its sinks, and a strong reference back would be a cycle that
  // outlives the exchange, its I/O thread and the connection's socket.
  std::weak_ptr<fanout_pipe> pipe_;
  std::size_t max_outbound_bytes_;
};

}  // namespace imchat
