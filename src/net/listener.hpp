#pragma once
// The one way in (libzmq's tcp_listener): binds and listens on a set of addresses,
// accepts each connection onto the next of its worker io_contexts (round-robin), and
// hands it on there as a framed_connection with heartbeats on, ready for its callbacks.
// When accept() fails (out of file descriptors, say) it says so once and tries again
// every 100 ms until it works, instead of spinning. It admits connections within its
// connection_limits (admission.hpp): one over them gets ERROR limit_exceeded saying which,
// and the refusals are logged at most every few seconds. The directory server and every
// global object listen through it, so whatever guards incoming connections is written
// here once.
//
// listen() and close() run on the listening io_context; create it with create(): what
// it has in flight keeps it alive.

#include "net/admission.hpp"
#include "net/framed_connection.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace imchat::net {

// Every interface on `port`: [::] dual-stack if the host has IPv6, else 0.0.0.0.
std::vector<boost::asio::ip::tcp::endpoint> listen_everywhere(std::uint16_t port);

struct listener_options {
  connection_options connection{};
  std::chrono::milliseconds peer_timeout{5000};  // a silent peer is closed (heartbeats)
  connection_limits limits{};                    // none by default
};

class listener : public std::enable_shared_from_this<listener> {
 public:
  // Runs on the worker's io_context that now owns the connection (not started yet).
  using connection_handler =
      std::function<void(std::shared_ptr<framed_connection>, boost::asio::io_context& worker)>;

  // `name` says what listens, in logs ("directory", "'Q_cheese'"). With no workers the
  // listening io_context carries the connections too.
  static std::shared_ptr<listener> create(boost::asio::io_context& listening,
                                          std::vector<boost::asio::io_context*> workers, std::string name,
                                          listener_options options);
  listener(boost::asio::io_context& listening, std::vector<boost::asio::io_context*> workers, std::string name,
           listener_options options);

  // Binds every endpoint; with port 0 the first gets one from the OS and the others
  // share it, so that one port can be advertised. On failure nothing stays bound, the
  // OS's error is returned and `why` names the address ("cannot listen on [::1]:5555"),
  // for a std::system_error(error, why).
  std::error_code listen(const std::vector<boost::asio::ip::tcp::endpoint>& endpoints, std::string& why);
  // Starts accepting; `on_connection` runs for every connection until close().
  void start(connection_handler on_connection);
  // Stops accepting (connections already handed on are the caller's); a connection
  // accepted but not yet handed on is dropped, so the handler never runs after close().
  void close();

  // Where it listens (with the OS's port where it chose one).
  std::vector<boost::asio::ip::tcp::endpoint> local_endpoints() const;
  std::uint16_t port() const;
  // Connections open now that it admitted (any thread).
  std::size_t open_connections() const { return count_->total(); }

 private:
  struct acceptor_state;
  void accept(const std::shared_ptr<acceptor_state>& where);
  void refuse(boost::asio::ip::tcp::socket socket, const boost::asio::ip::tcp::endpoint& peer,
              boost::asio::io_context& worker, std::string why);

  boost::asio::io_context& listening_;
  std::vector<boost::asio::io_context*> workers_;
  std::size_t next_worker_ = 0;
  const std::string name_;
  const listener_options options_;
  const std::shared_ptr<connection_count> count_;
  const std::shared_ptr<input_budget> partial_frames_;  // null: no bound in all
  // Refusals since the last that was logged, and when that was (the listening thread's).
  std::size_t unreported_refusals_ = 0;
  std::chrono::steady_clock::time_point last_refusal_report_{};
  connection_handler on_connection_;
  std::atomic<bool> closed_{false};  // read by the workers
  std::vector<std::shared_ptr<acceptor_state>> acceptors_;
};

}  // namespace imchat::net
