#pragma once
// The etcd directory's way to the cluster: requests to one member at a time, moved to the
// next when that one fails (cannot be reached, does not answer within the timeout, has no
// leader), round the members, pausing a little longer after each round in which none
// answered; and etcd's own authentication (a token got with the user's password, got
// again when etcd stops taking it). A request waits until a member answers it: what comes
// back is etcd's answer, or its refusal of the request itself. What no retry can mend (a
// refused password, a certificate that does not verify) ends the client (on_fatal).
// It also asks the member in use a cheap question when nothing else was asked for a
// while, so that a member that died in silence is left before anyone needs it.
// Lives on one io_context; call it there only.

#include "directory/etcd/member_connection.hpp"
#include "net/reconnect_backoff.hpp"

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace imchat::directory::etcd {

struct client_settings {
  std::string cluster;  // "etcd://...", for messages
  std::vector<net::host_and_port> members;
  connection_settings connection;  // TLS, and the timeout after which a member is left
  std::string user;                // etcd authentication; empty: none
  std::string password;
  // Pauses after a round in which no member answered.
  std::chrono::milliseconds retry_min{100};
  std::chrono::milliseconds retry_max{3000};
  // The question for a member's health (a linearizable read: a member cut off from the
  // cluster's majority cannot answer it), asked after this long without an answer.
  std::string probe_path;
  std::string probe_body;
  std::chrono::milliseconds probe_interval{2000};
};

class etcd_client : public std::enable_shared_from_this<etcd_client> {
 public:
  // etcd's reply body; or its refusal (error_from_status); or operation_canceled (stop()).
  using reply_handler = std::function<void(std::error_code, const std::string& why, std::string body)>;

  static std::shared_ptr<etcd_client> create(boost::asio::io_context& io, client_settings settings);
  etcd_client(boost::asio::io_context& io, client_settings settings);

  // Starts asking (the health question first).
  void start();
  // Fails what waits with operation_canceled, closes the connection, stops the probes.
  void stop();

  // A request, answered when a member answers it; dropped unanswered once `abandoned` is set.
  void call(std::string_view path, std::string body, reply_handler done,
            std::shared_ptr<std::atomic<bool>> abandoned = nullptr);
  // A streamed request (a watch) on a connection of its own to the member in use.
  std::shared_ptr<member_connection> open_stream(std::string_view path, std::string body,
                                                 member_connection::line_handler on_line,
                                                 member_connection::reply_handler done);

  const net::host_and_port& member_in_use() const noexcept { return settings_.members[member_]; }

  // Told on the client's thread: a member answered after none could (up), or a whole
  // round of members failed (down, with each one's reason); the member in use changed
  // (streams on the old one should move); and what ended the client.
  std::function<void(bool up, const std::string& why)> on_state;
  std::function<void()> on_member_changed;
  std::function<void(std::error_code, const std::string& why)> on_fatal;

 private:
  struct pending_call {
    std::string path;
    std::string body;
    reply_handler done;
    std::shared_ptr<std::atomic<bool>> abandoned;
  };

  void process();
  void authenticate();
  void answered(std::error_code ec, const std::string& why, unsigned status, std::string body);
  void member_failed(const std::string& why);
  void fatal(std::error_code ec, const std::string& why);
  void schedule_probe();
  std::shared_ptr<member_connection> connection();

  boost::asio::io_context& io_;
  const client_settings settings_;
  std::deque<pending_call> queue_;
  bool in_flight_ = false;
  bool authenticating_ = false;
  bool stopped_ = false;
  std::shared_ptr<member_connection> connection_;
  std::size_t member_ = 0;
  std::size_t failures_in_round_ = 0;
  std::string round_reasons_;  // "HOST:PORT: why; ..." for this round's failed members
  bool up_ = false;
  bool told_ = false;  // on_state said something already
  std::string token_;
  bool authentication_off_ = false;  // a user was given, and the cluster has no authentication
  net::reconnect_backoff backoff_;
  boost::asio::steady_timer pause_;
  boost::asio::steady_timer probe_;
  std::chrono::steady_clock::time_point last_answer_{};
};

}  // namespace imchat::directory::etcd
