#include "kernel/io_thread.hpp"

#include "kernel/dispatcher.hpp"

#include <spdlog/spdlog.h>

namespace imchat {

std::unique_ptr<io_thread> io_thread::create(dispatcher& d) { return std::make_unique<io_thread>(d); }

io_thread::io_thread(dispatcher& d) : dispatcher_(d), work_(boost::asio::make_work_guard(io_)) {
  dispatcher_.claim_thread("I/O thread");
  thread_ = std::thread([this] {
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        // A handler that throws must not take the whole process down with it.
        spdlog::error("I/O thread: unexpected error: {}", e.what());
      }
    }
  });
}

io_thread::~io_thread() {
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
  dispatcher_.release_thread();
}

}  // namespace imchat
