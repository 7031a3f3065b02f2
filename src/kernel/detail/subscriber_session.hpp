#pragma once
// A remote queue's subscription to one of our global exchanges (a display bound to the
// room's E_<room>): a message_sink that writes the exchange's messages into the
// connection as MESSAGE frames.
//
// It starts where the subscriber asked (stream_start(): after the last message it saw,
// or the latest few on joining), catching up from the exchange's history a chunk at a
// time as the connection drains, and then goes live on the pipe, taking each message
// exactly once at the seam. A subscriber that reads slower than the exchange publishes
// goes back to catching up once its unsent output passes the limit, so that it can never
// make the exchange's process grow without bound: it lags, fed from the history (and the
// archive behind it) as it reads, and loses nothing they still hold. One that falls
// behind them is cut off; it reconnects by itself and learns exactly what it lost. While
// it catches up the limit holds too: the history goes in in chunks of at most half of it.

#include "kernel/detail/exchange.hpp"
#include "kernel/detail/fanout_pipe.hpp"
#include "kernel/detail/message_sink.hpp"
#include "net/framed_connection.hpp"
#include "wire/control_frames.hpp"

#include <memory>

namespace imchat::detail {

class subscriber_session : public message_sink, public std::enable_shared_from_this<subscriber_session> {
 public:
  subscriber_session(std::shared_ptr<net::framed_connection> connection, std::shared_ptr<exchange> source,
                     std::shared_ptr<fanout_pipe> pipe, std::size_t max_outbound_bytes);

  // Answers the ATTACH, starts catching up, and detaches when the connection closes.
  void start(const wire::attach_request& request);
  void deliver(std::span<const message> batch, encoded_batch& encoded) override;

 private:
  void catch_up();
  // Sends the data messages in [first, last); returns how many.
  std::size_t write(auto first, auto last);

  std::shared_ptr<net::framed_connection> connection_;
  std::shared_ptr<exchange> source_;
  // Weak: the pipe holds its sinks, and a strong reference back would be a cycle that
  // outlives the exchange, its I/O thread and the connection's socket.
  std::weak_ptr<fanout_pipe> pipe_;
  std::size_t max_outbound_bytes_;
  std::size_t catch_up_chunk_;  // history bytes put in the connection at a time
  std::uint64_t next_ = 0;  // the number of the next message to send
  bool live_ = false;       // caught up: the pipe's messages go out as they come
  bool lagged_ = false;     // went back to catching up once (said once)
};

}  // namespace imchat::detail
