#include "loopback_connections.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <thread>

namespace imchat::test {

namespace asio = boost::asio;
using asio::ip::tcp;

loopback_connection connect_loopback(asio::io_context& io, std::shared_ptr<net::tls_context> object_key,
                                     std::shared_ptr<net::tls_context> peer_key,
                                     std::chrono::milliseconds handshake_timeout) {
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket dialed(io);
  dialed.connect(acceptor.local_endpoint());  // the kernel completes it from the backlog
  tcp::socket accepted = acceptor.accept();
  return {
      net::framed_connection::create(std::move(accepted), {.self = wire::role::kernel_object,
                                                           .expected_peer = wire::role::kernel_peer,
                                                           .handshake_timeout = handshake_timeout,
                                                           .tls = std::move(object_key)}),
      net::framed_connection::create(std::move(dialed), {.self = wire::role::kernel_peer,
                                                         .expected_peer = wire::role::kernel_object,
                                                         .handshake_timeout = handshake_timeout,
                                                         .tls = std::move(peer_key),
                                                         .dialing = true}),
  };
}

void loopback_connection::start() {
  object->start();
  peer->start();
}

bool run_until(asio::io_context& io, const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const deadline until(timeout);
  while (!condition()) {
    if (until.expired()) return false;
    io.restart();
    if (io.run_for(std::chrono::milliseconds(10)) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

void run_for(asio::io_context& io, std::chrono::milliseconds how_long) {
  const deadline until(how_long);
  while (!until.expired()) {
    io.restart();
    if (io.run_for(std::chrono::milliseconds(10)) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace imchat::test
