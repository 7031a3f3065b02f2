#pragma once
// This process's end of a binding to a global object in another process: a local
// exchange bound to a remote queue (the prompt's wiring: we publish), or a remote
// exchange bound to a local queue (the display's wiring: we subscribe).
//
// It finds the object through the locator, connects, sends ATTACH and waits for
// ATTACHED. When the connection fails or drops it reconnects by itself with jittered
// backoff, looking the name up again first, so a room restarted elsewhere is found. A
// subscription that loses an established connection queues one gap notice.
// Lives on one I/O thread; start() and stop() may be called from any thread.

#include "kernel/fanout_pipe.hpp"
#include "kernel/message_sink.hpp"
#include "kernel/queue.hpp"
#include "kernel/queue_feeder.hpp"
#include "net/framed_connection.hpp"
#include "net/reconnect_backoff.hpp"
#include "wire/control_frames.hpp"
#include "wire/directory_frames.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <string>

namespace imchat {

class locator;

struct binding_options {
  wire::decoder_limits limits{};
  std::chrono::milliseconds reconnect_min{100};
  std::chrono::milliseconds reconnect_max{3000};
  std::chrono::milliseconds peer_timeout{5000};  // a silent object is taken for gone
  // Publishing: messages kept while the remote queue is unreachable.
  std::size_t max_pending_messages = 100'000;
};

class remote_binding : public message_sink, public std::enable_shared_from_this<remote_binding> {
 public:
  // Publishes what `source` (an in-process exchange) sends into the remote queue `remote`.
  static std::shared_ptr<remote_binding> publish(boost::asio::io_context& io, locator& directory,
                                                 std::string remote, std::shared_ptr<fanout_pipe> source,
                                                 binding_options options);
  // Feeds what the remote exchange `remote` publishes into `into`.
  static std::shared_ptr<remote_binding> subscribe(boost::asio::io_context& io, locator& directory,
                                                   std::string remote, std::shared_ptr<queue> into,
                                                   binding_options options);

  remote_binding(boost::asio::io_context& io, locator& directory, std::string remote,
                 wire::attach_direction direction, binding_options options);

  // Starts connecting to `first` (the record bind() already looked up).
  void start(wire::record first);
  // Closes the connection and stops reconnecting.
  void stop();

  void deliver(std::span<const message> batch) override;

  // On the binding's I/O thread: true when everything sent so far has been handed to the
  // operating system (nothing in the pipe, held back, or waiting to be written).
  bool drained() const;

 private:
  void look_up();
  void connect(const wire::record& record);
  void on_connected(boost::asio::ip::tcp::socket socket);
  void on_frame(wire::frame&& frame);
  void on_closed(std::error_code ec, const std::string& detail);
  void retry(const std::string& why);
  void write(std::span<const message> batch);

  boost::asio::io_context& io_;
  locator& directory_;
  const std::string remote_;
  const wire::attach_direction direction_;
  const binding_options options_;
  // Publishing. Weak: the pipe holds this binding as a sink, and the exchange that owns
  // the pipe outlives neither.
  std::weak_ptr<fanout_pipe> source_;
  std::shared_ptr<queue> into_;          // subscribing
  std::shared_ptr<queue_feeder> feeder_;
  boost::asio::steady_timer retry_timer_;
  net::reconnect_backoff backoff_;
  std::shared_ptr<net::framed_connection> connection_;
  std::deque<message> pending_;  // publishing, while not attached
  bool attached_ = false;
  bool stopping_ = false;
  bool ever_attached_ = false;
};

}  // namespace imchat
