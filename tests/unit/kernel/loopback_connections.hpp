#pragma once
// Real framed_connections for the kernel's pieces that work on connections
// (queue_feeder, publisher_registry): both ends of a TCP connection on 127.0.0.1, on one
// io_context that the test runs on its own thread with run_until.
//
//   boost::asio::io_context io;
//   auto ends = connect_loopback(io);
//   ends.object->on_frame = ...;           // callbacks first
//   ends.start();
//   REQUIRE(run_until(io, [&] { return ends.object->ready(); }));

#include "net/framed_connection.hpp"
#include "support/deadline.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace imchat::test {

struct loopback_connection {
  std::shared_ptr<net::framed_connection> object;  // a kernel object's end, as a listener accepts it
  std::shared_ptr<net::framed_connection> peer;    // a kernel peer's end, as a binding dials it
  // Starts both ends (greetings); set their callbacks before.
  void start();
};

// With keys (net/tls_context.hpp), each end speaks TLS with its own: null for none.
loopback_connection connect_loopback(boost::asio::io_context& io, std::shared_ptr<net::tls_context> object_key = {},
                                     std::shared_ptr<net::tls_context> peer_key = {},
                                     std::chrono::milliseconds handshake_timeout = std::chrono::seconds(5));

// Runs `io` on this thread until `condition()` holds; false if it still does not after
// `timeout`.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& condition,
               std::chrono::milliseconds timeout = default_timeout);
// Runs `io` on this thread for `how_long` (to see that something does not happen).
void run_for(boost::asio::io_context& io, std::chrono::milliseconds how_long);

}  // namespace imchat::test
