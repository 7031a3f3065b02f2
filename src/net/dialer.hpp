#pragma once
// The one way out (libzmq's tcp_connecter): resolves and connects to the first of a list
// of endpoints that answers, gives the attempt up after a deadline, and hands back a
// framed_connection with heartbeats on, ready for its callbacks. Between attempts it
// waits a jittered, growing delay. The locator (to the directory, imchat's own or the
// members of an etcd cluster) and every remote binding (to a global object) connect
// through it, so whatever later guards outgoing connections is written here once.
//
// Lives on one io_context; every member function must be called there. Create it with
// create(): what it has in flight keeps it alive.

#include "net/endpoint.hpp"
#include "net/framed_connection.hpp"
#include "net/reconnect_backoff.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace imchat::net {

struct dialer_options {
  connection_options connection{};
  // A peer silent this long is taken for gone, once connected (heartbeats); and an attempt
  // to connect unanswered as long is given up: a vanished host drops SYNs, which TCP
  // would otherwise retry for minutes.
  std::chrono::milliseconds peer_timeout{5000};
  std::chrono::milliseconds reconnect_min{100};
  std::chrono::milliseconds reconnect_max{3000};
};

class dialer : public std::enable_shared_from_this<dialer> {
 public:
  // On success: a connection not started yet (set its callbacks, then start()). On
  // failure: null, the error and a sentence saying why (every endpoint's reason).
  using dial_handler =
      std::function<void(std::error_code, const std::string& why, std::shared_ptr<framed_connection>)>;
  // The same for a plain TCP socket, for a protocol other than imchat's own (etcd's HTTP).
  using socket_handler =
      std::function<void(std::error_code, const std::string& why, boost::asio::ip::tcp::socket)>;

  static std::shared_ptr<dialer> create(boost::asio::io_context& io, dialer_options options);
  dialer(boost::asio::io_context& io, dialer_options options);

  // One attempt: each endpoint in turn (a host name is resolved), the first that accepts
  // wins; `done` runs once, on the dialer's io_context. One attempt at a time.
  void dial(std::vector<host_and_port> endpoints, dial_handler done);
  // The same attempt, handing back the connected socket itself: no greeting, no frames.
  void dial_socket(std::vector<host_and_port> endpoints, socket_handler done);

  // After a failure or a lost connection: calls `again` after the next backoff delay
  // (returned, for logs). A success (reset_backoff) starts the delays from the minimum.
  std::chrono::milliseconds retry_later(std::function<void()> again);
  void reset_backoff() { backoff_.reset(); }

  // Abandons the attempt in progress (its handler is not called) and the pending retry.
  void cancel();

  const dialer_options& options() const noexcept { return options_; }

 private:
  struct attempt;
  void try_next(const std::shared_ptr<attempt>& current);
  void fail_one(const std::shared_ptr<attempt>& current, const std::string& reason);
  void finish(const std::shared_ptr<attempt>& current, std::error_code ec);

  boost::asio::io_context& io_;
  const dialer_options options_;
  boost::asio::steady_timer deadline_;
  boost::asio::steady_timer retry_timer_;
  reconnect_backoff backoff_;
  std::shared_ptr<attempt> current_;
};

}  // namespace imchat::net
