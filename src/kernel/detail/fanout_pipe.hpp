#pragma once
// The hand-off from an exchange's sending thread to one I/O thread. The sender appends a
// reference to each message (no copy of its bytes) and wakes the I/O thread only when the
// pipe goes from empty to non-empty; the I/O thread then takes the whole batch at once
// and gives it to every sink it carries for this exchange. So a burst costs one wake-up
// per I/O thread, and each connection one write.
//
// A pipe to a publishing binding is its own and carries the binding's send_window: the
// exchange takes room in it before posting (see exchange::send).

#include "kernel/message.hpp"
#include "kernel/detail/message_sink.hpp"
#include "kernel/detail/send_window.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>
#include <mutex>
#include <vector>

namespace imchat::detail {

class fanout_pipe : public std::enable_shared_from_this<fanout_pipe> {
 public:
  explicit fanout_pipe(boost::asio::io_context& io, std::shared_ptr<send_window> window = nullptr)
      : io_(io), window_(std::move(window)) {}

  // Any thread.
  void post(const message& m);

  // The pipe's I/O thread only.
  void attach(std::shared_ptr<message_sink> sink);
  void detach(const message_sink* sink);

  boost::asio::io_context& context() noexcept { return io_; }
  send_window* window() const noexcept { return window_.get(); }

  // Whether messages are waiting to be taken by the I/O thread (any thread).
  bool empty() const;

 private:
  void drain();

  boost::asio::io_context& io_;
  const std::shared_ptr<send_window> window_;
  mutable std::mutex mutex_;
  std::vector<message> pending_;
  bool drain_scheduled_ = false;
  std::vector<message> draining_;                  // I/O thread only
  std::vector<std::shared_ptr<message_sink>> sinks_;  // I/O thread only
};

}  // namespace imchat::detail
