#pragma once
// Accepts connections for one global object (the tutorial's "I/O thread that listens")
// through a net::listener, which hands each new connection to the next of the object's
// I/O threads (round-robin), and checks its ATTACH: the right object, the right direction. Then a queue's publisher
// becomes a publisher_session, and an exchange's subscriber a subscriber_session.

#include "kernel/detail/exchange.hpp"
#include "kernel/detail/object_ref.hpp"
#include "kernel/detail/publisher_registry.hpp"
#include "kernel/detail/queue.hpp"
#include "net/framed_connection.hpp"
#include "net/listener.hpp"
#include "wire/frame_decoder.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace imchat::detail {

struct listener_options {
  wire::decoder_limits limits{};
  std::chrono::milliseconds handshake_timeout{5000};
  std::chrono::milliseconds peer_timeout{5000};  // a silent peer is closed
  std::size_t max_subscriber_backlog = 8 * 1024 * 1024;  // unsent bytes before a cut-off
  net::connection_limits admission{};
  std::shared_ptr<net::tls_context> tls{};  // the object's key, if it has one
  // A queue's publishers: given when the application reaches them (a queue that
  // acknowledges what it stored); else the listener makes its own.
  std::shared_ptr<publisher_registry> publishers{};
};

class object_listener : public std::enable_shared_from_this<object_listener> {
 public:
  object_listener(boost::asio::io_context& listening, std::vector<boost::asio::io_context*> workers,
                  std::string name, object_ref object, listener_options options);

  // Binds and listens on every endpoint; on the listening I/O thread. Returns the port
  // bound (the OS's choice when the endpoints say 0), or throws std::system_error whose
  // message names `spec_text`.
  std::uint16_t listen(const std::vector<boost::asio::ip::tcp::endpoint>& endpoints,
                       const std::string& spec_text);

  // Stops accepting and closes every connection it accepted (each on its own I/O thread),
  // so that peers learn the object is gone: a subscriber reconnects and, like a
  // publisher, looks the name up again instead of staying attached to nothing. Returns
  // the connections being closed.
  using connection_list = std::vector<std::shared_ptr<net::framed_connection>>;
  connection_list close();
  // The connections it has accepted and that are still open (any thread).
  connection_list connections();

  // From a thread that is none of their I/O threads: the bytes `connections` have not
  // had acknowledged by their peers' TCP yet (queued here or in the socket), each
  // counted on its own I/O thread (so, too, a barrier: whatever was posted to those
  // threads before has run). A connection that does not answer by `deadline` counts as
  // one unsent byte.
  static std::size_t unsent_bytes(const connection_list& connections, std::chrono::steady_clock::time_point deadline);

 private:
  void on_connection(const std::shared_ptr<net::framed_connection>& connection, boost::asio::io_context& io);
  void on_attach(const std::shared_ptr<net::framed_connection>& connection, wire::frame_view frame,
                 boost::asio::io_context& io);

  const std::string name_;
  object_ref object_;
  listener_options options_;
  // A queue's publishers, and its incarnation (which a publisher only logs).
  std::shared_ptr<publisher_registry> publishers_;
  const std::uint64_t incarnation_;
  std::shared_ptr<net::listener> listener_;
  // Connections start on the workers while close() runs on the listening thread.
  std::mutex connections_mutex_;
  std::vector<std::weak_ptr<net::framed_connection>> connections_;
  bool closed_ = false;  // a connection accepted just before close() is turned away
};

}  // namespace imchat::detail
