#include "net/dialer.hpp"

#include <boost/asio/connect.hpp>

#include <utility>

namespace imchat::net {

namespace asio = boost::asio;
using asio::ip::tcp;

struct dialer::attempt {
  attempt(asio::io_context& io, std::vector<host_and_port> targets, socket_handler handler)
      : socket(io), resolver(io), endpoints(std::move(targets)), done(std::move(handler)) {}
  tcp::socket socket;
  tcp::resolver resolver;
  std::vector<host_and_port> endpoints;
  std::size_t next = 0;
  socket_handler done;
  bool timed_out = false;
  std::string reasons;  // "HOST:PORT: why; ..." for each endpoint that failed
};

std::shared_ptr<dialer> dialer::create(asio::io_context& io, dialer_options options) {
  return std::make_shared<dialer>(io, options);
}

dialer::dialer(asio::io_context& io, dialer_options options)
    : io_(io),
      options_(options),
      deadline_(io),
      retry_timer_(io),
      backoff_(options.reconnect_min, options.reconnect_max) {}

void dialer::dial(std::vector<host_and_port> endpoints, dial_handler done) {
  dial_socket(std::move(endpoints), [options = options_, done = std::move(done)](
                                        std::error_code ec, const std::string& why, tcp::socket socket) {
    if (ec) return done(ec, why, nullptr);
    auto connection_options = options.connection;
    connection_options.dialing = true;  // the TLS client, with a key
    auto connection = framed_connection::create(std::move(socket), connection_options);
    connection->enable_heartbeats({.peer_timeout = options.peer_timeout});
    done({}, {}, std::move(connection));
  });
}

void dialer::dial_socket(std::vector<host_and_port> endpoints, socket_handler done) {
  auto current = current_ = std::make_shared<attempt>(io_, std::move(endpoints), std::move(done));
  if (current->endpoints.empty()) {
    current->reasons = "no endpoint to connect to";
    return finish(current, std::make_error_code(std::errc::invalid_argument));
  }
  deadline_.expires_after(options_.peer_timeout);
  deadline_.async_wait([self = shared_from_this(), current](boost::system::error_code ec) {
    if (ec || self->current_ != current) return;
    current->timed_out = true;
    current->resolver.cancel();
    boost::system::error_code ignored;
    current->socket.close(ignored);
  });
  try_next(current);
}

void dialer::try_next(const std::shared_ptr<attempt>& current) {
  if (current->next == current->endpoints.size()) return finish(current, std::make_error_code(std::errc::host_unreachable));
  const auto& target = current->endpoints[current->next];
  current->resolver.async_resolve(
      target.host, std::to_string(target.port),
      [self = shared_from_this(), current](boost::system::error_code ec, tcp::resolver::results_type results) {
        if (self->current_ != current) return;
        // A deadline that passed with the answer already queued: connecting now would
        // reopen the socket it closed, with no deadline left.
        if (current->timed_out) return self->fail_one(current, "timed out");
        if (ec) return self->fail_one(current, "cannot resolve: " + ec.message());
        asio::async_connect(current->socket, results,
                            [self, current](boost::system::error_code connect_error, const tcp::endpoint&) {
                              if (self->current_ != current) return;
                              if (connect_error) return self->fail_one(current, connect_error.message());
                              self->finish(current, {});
                            });
      });
}

void dialer::fail_one(const std::shared_ptr<attempt>& current, const std::string& reason) {
  if (current->timed_out) {
    current->reasons += (current->reasons.empty() ? "" : "; ") + std::string("no answer within ") +
                        std::to_string(options_.peer_timeout.count()) + " ms";
    return finish(current, std::make_error_code(std::errc::timed_out));
  }
  // With several endpoints, each reason says whose it is; the caller names a single one.
  const auto whose = current->endpoints.size() == 1 ? "" : format_endpoint(current->endpoints[current->next]) + ": ";
  current->reasons += (current->reasons.empty() ? "" : "; ") + whose + reason;
  ++current->next;
  try_next(current);
}

void dialer::finish(const std::shared_ptr<attempt>& current, std::error_code ec) {
  current_.reset();
  deadline_.cancel();
  if (ec) return current->done(ec, current->reasons, tcp::socket(io_));
  current->done({}, {}, std::move(current->socket));
}

std::chrono::milliseconds dialer::retry_later(std::function<void()> again) {
  const auto delay = backoff_.next();
  retry_timer_.expires_after(delay);
  retry_timer_.async_wait([again = std::move(again)](boost::system::error_code ec) {
    if (!ec) again();
  });
  return delay;
}

void dialer::cancel() {
  retry_timer_.cancel();
  deadline_.cancel();
  if (auto current = std::exchange(current_, nullptr)) {
    current->resolver.cancel();
    boost::system::error_code ignored;
    current->socket.close(ignored);
  }
}

}  // namespace imchat::net
