#pragma once
// An I/O thread: one Asio io_context run by one thread. It owns sockets and timers; the
// application threads never touch a socket, they hand work to an I/O thread instead.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <thread>

namespace imchat {

class dispatcher;

class io_thread {
 public:
  // Starts the thread (the tutorial's io_thread_t::create (&dispatcher)). Counts against
  // the dispatcher's thread budget.
  static std::unique_ptr<io_thread> create(dispatcher& d);

  // Stops the event loop and joins the thread.
  ~io_thread();
  io_thread(const io_thread&) = delete;
  io_thread& operator=(const io_thread&) = delete;

  boost::asio::io_context& context() noexcept { return io_; }
  bool running_in_this_thread() const noexcept { return thread_.get_id() == std::this_thread::get_id(); }

  explicit io_thread(dispatcher& d);

 private:
  dispatcher& dispatcher_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace imchat
