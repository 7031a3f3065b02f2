#include "net/listener.hpp"

#include "net/endpoint.hpp"
#include "wire/error.hpp"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <utility>
#include <netinet/in.h>
#include <sys/socket.h>

namespace imchat::net {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// How long to wait before accepting again after accept() failed. Out of file descriptors,
// accepting again at once fails again at once: a loop that burns the CPU and floods the
// log while the connections that would free descriptors wait their turn.
constexpr std::chrono::milliseconds accept_retry_delay{100};
constexpr std::chrono::seconds accept_warning_interval{5};

// An IPv6 address is "tentative" for a second or more after it is configured (duplicate
// address detection; the link-local address of every interface that comes up), and
// binding it then fails with EADDRNOTAVAIL. IP_FREEBIND lets the bind succeed at once and
// the address work as soon as it is ready. It also allows addresses the host lacks, but
// resolving an interface spec has already checked that every address is this host's.
void allow_tentative(tcp::acceptor& acceptor, boost::system::error_code& ec) {
  const int on = 1;
  if (::setsockopt(acceptor.native_handle(), IPPROTO_IP, IP_FREEBIND, &on, sizeof on) != 0)
    ec.assign(errno, boost::system::system_category());
}

void open_and_bind(tcp::acceptor& acceptor, const tcp::endpoint& endpoint, boost::system::error_code& ec) {
  const auto address = endpoint.address();
  acceptor.open(endpoint.protocol(), ec);
  // "Every interface" takes IPv4 peers too, on one socket.
  if (!ec && address.is_v6() && address.is_unspecified()) acceptor.set_option(asio::ip::v6_only(false), ec);
  if (!ec && address.is_v6() && !address.is_unspecified()) allow_tentative(acceptor, ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
}

}  // namespace

std::vector<tcp::endpoint> listen_everywhere(std::uint16_t port) {
  boost::system::error_code ec;
  tcp::acceptor probe(asio::system_executor{});
  probe.open(tcp::v6(), ec);
  if (ec) return {tcp::endpoint(tcp::v4(), port)};
  return {tcp::endpoint(tcp::v6(), port)};
}

struct listener::acceptor_state {
  explicit acceptor_state(asio::io_context& io) : acceptor(io), retry_timer(io) {}
  tcp::acceptor acceptor;
  asio::steady_timer retry_timer;  // paces accepting again after a failure
  bool failing = false;            // accepting fails now
  bool warned = false;             // this outage has been logged
  std::chrono::steady_clock::time_point last_warning{};  // when an outage was last logged
};

std::shared_ptr<listener> listener::create(asio::io_context& listening, std::vector<asio::io_context*> workers,
                                           std::string name, listener_options options) {
  return std::make_shared<listener>(listening, std::move(workers), std::move(name), options);
}

listener::listener(asio::io_context& listening, std::vector<asio::io_context*> workers, std::string name,
                   listener_options options)
    : listening_(listening),
      workers_(std::move(workers)),
      name_(std::move(name)),
      options_(std::move(options)),
      count_(connection_count::create(options_.limits)),
      partial_frames_(options_.limits.max_partial_frame_bytes == 0
                          ? nullptr
                          : std::make_shared<input_budget>(options_.limits.max_partial_frame_bytes)) {
  if (workers_.empty()) workers_.push_back(&listening_);
}

std::error_code listener::listen(const std::vector<tcp::endpoint>& endpoints, std::string& why) {
  std::uint16_t port = 0;
  for (auto endpoint : endpoints) {
    if (port != 0 && endpoint.port() == 0) endpoint.port(port);
    auto state = std::make_shared<acceptor_state>(listening_);
    boost::system::error_code ec;
    open_and_bind(state->acceptor, endpoint, ec);
    if (ec) {
      close();
      acceptors_.clear();
      why = "cannot listen on " + format_endpoint(endpoint.address(), endpoint.port());
      return ec;
    }
    port = state->acceptor.local_endpoint(ec).port();
    acceptors_.push_back(std::move(state));
  }
  return {};
}

void listener::start(connection_handler on_connection) {
  on_connection_ = std::move(on_connection);
  for (const auto& state : acceptors_) accept(state);
}

void listener::close() {
  closed_ = true;
  for (const auto& state : acceptors_) {
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
    state->retry_timer.cancel();
  }
}

std::vector<tcp::endpoint> listener::local_endpoints() const {
  std::vector<tcp::endpoint> endpoints;
  for (const auto& state : acceptors_) {
    boost::system::error_code ec;
    const auto endpoint = state->acceptor.local_endpoint(ec);
    if (!ec) endpoints.push_back(endpoint);
  }
  return endpoints;
}

std::uint16_t listener::port() const {
  const auto endpoints = local_endpoints();
  return endpoints.empty() ? 0 : endpoints.front().port();
}

void listener::accept(const std::shared_ptr<acceptor_state>& where) {
  auto& worker = *workers_[next_worker_++ % workers_.size()];
  where->acceptor.async_accept(worker, [self = shared_from_this(), where, &worker](boost::system::error_code ec,
                                                                                 tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !where->acceptor.is_open()) return;
    if (ec) {
      // The connections already accepted are still served; accept again a little later,
      // and log it once rather than at every try.
      // Once per outage, and at most every few seconds however often it comes and goes.
      const auto now = std::chrono::steady_clock::now();
      if (!where->failing && now - where->last_warning >= accept_warning_interval) {
        spdlog::warn("{}: accept failed: {}; retrying every {} ms until it works", self->name_, ec.message(),
                     accept_retry_delay.count());
        where->last_warning = now;
        where->warned = true;
      }
      where->failing = true;
      where->retry_timer.expires_after(accept_retry_delay);
      where->retry_timer.async_wait([self, where](boost::system::error_code timer_error) {
        if (!timer_error && where->acceptor.is_open()) self->accept(where);
      });
      return;
    }
    if (std::exchange(where->warned, false)) spdlog::info("{}: accepting connections again", self->name_);
    where->failing = false;
    boost::system::error_code peer_error;
    const auto peer = socket.remote_endpoint(peer_error);
    std::string why;
    auto slot = peer_error ? nullptr : self->count_->admit(host_key(peer.address()), why);
    if (!slot) {
      if (!peer_error) self->refuse(std::move(socket), peer, worker, std::move(why));  // else gone already
      self->accept(where);
      return;
    }
    // The socket already belongs to its worker's io_context: the connection starts there.
    asio::post(worker, [self, &worker, socket = std::move(socket), slot = std::move(slot)]() mutable {
      if (self->closed_) return;  // dropping the socket closes it
      auto connection = framed_connection::create(std::move(socket), self->options_.connection);
      connection->hold_until_closed(std::move(slot));
      connection->draw_partial_frames_from(self->partial_frames_);
      connection->enable_heartbeats({.peer_timeout = self->options_.peer_timeout});
      self->on_connection_(std::move(connection), worker);
    });
    self->accept(where);
  });
}

void listener::refuse(tcp::socket socket, const tcp::endpoint& peer, asio::io_context& worker, std::string why) {
  // A flood of refusals must not flood the log: the first, then a count every few seconds.
  ++unreported_refusals_;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_refusal_report_ >= accept_warning_interval) {
    spdlog::warn("{}: refused {}: {}{}", name_, format_endpoint(peer.address(), peer.port()), why,
                 unreported_refusals_ > 1 ? fmt::format(" ({} refused since the last report)", unreported_refusals_)
                                          : std::string());
    unreported_refusals_ = 0;
    last_refusal_report_ = now;
  }
  // Told why, in its own protocol: greeting, ERROR, close (within the ERROR's linger).
  asio::post(worker, [self = shared_from_this(), socket = std::move(socket), why = std::move(why)]() mutable {
    if (self->closed_) return;
    auto connection = framed_connection::create(std::move(socket), self->options_.connection);
    connection->refuse(wire::error::limit_exceeded, why);
  });
}

}  // namespace imchat::net
