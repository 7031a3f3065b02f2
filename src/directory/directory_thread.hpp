#pragma once
// A directory server on a thread of its own, for a program that hosts the directory
// beside its other work (a room started with --embedded-directory).

#include "directory/directory_server.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>
#include <thread>

namespace imchat::directory {

class directory_thread {
 public:
  // Listens at once (throws std::system_error naming the address on failure).
  explicit directory_thread(server_options options);
  ~directory_thread();
  directory_thread(const directory_thread&) = delete;
  directory_thread& operator=(const directory_thread&) = delete;

  std::vector<boost::asio::ip::tcp::endpoint> local_endpoints() const { return server_->local_endpoints(); }

 private:
  boost::asio::io_context io_{1};
  std::unique_ptr<directory_server> server_;
  std::thread thread_;
};

}  // namespace imchat::directory
