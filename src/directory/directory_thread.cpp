#include "directory/directory_thread.hpp"

#include <boost/asio/post.hpp>

#include <future>

namespace imchat::directory {

directory_thread::directory_thread(server_options options)
    : server_(std::make_unique<directory_server>(io_, std::move(options))), thread_([this] { io_.run(); }) {}

directory_thread::~directory_thread() {
  std::promise<void> stopped;
  boost::asio::post(io_, [&] {
    server_->stop();
    stopped.set_value();
  });
  stopped.get_future().wait();
  io_.stop();
  thread_.join();
}

}  // namespace imchat::directory
