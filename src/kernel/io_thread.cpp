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
  // Run what is already queued before the context goes: a binding's stop(), a listener's
  // close of its connections, a closed connection's last callback. Those break the
  // reference cycles between connections and their owners; dropped unrun, the cycles
  // would outlive the context, with their sockets still open. Waits started meanwhile
  // are not waited for: the context's destructor drops them.
  try {
    io_.restart();
    io_.poll();
  } catch (const std::exception& e) {
    spdlog::error("I/O thread: unexpected error while stopping: {}", e.what());
  }
  dispatcher_.release_thread();
}

}  // namespace imchat
