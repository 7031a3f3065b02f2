#include "directory/directory_server.hpp"

#include "directory/directory_session.hpp"
#include "directory/name_rules.hpp"
#include "net/interface_spec.hpp"
#include "wire/error.hpp"

#include <boost/asio/ip/v6_only.hpp>
#include <spdlog/spdlog.h>

namespace imchat::directory {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
// How long to wait before accepting again after accept() failed. Out of file descriptors,
// accepting again at once fails again at once: a loop that burns the CPU and floods the
// log while the sessions that would free descriptors wait their turn.
constexpr std::chrono::milliseconds accept_retry_delay{100};
}  // namespace

std::vector<tcp::endpoint> listen_everywhere(std::uint16_t port) {
  boost::system::error_code ec;
  tcp::acceptor probe(asio::system_executor{});
  probe.open(tcp::v6(), ec);
  if (ec) return {tcp::endpoint(tcp::v4(), port)};
  return {tcp::endpoint(tcp::v6(), port)};
}

directory_server::directory_server(asio::io_context& io, server_options options)
    : io_(io), options_(std::move(options)), registry_(options_.names) {
  if (options_.listen.empty()) options_.listen = listen_everywhere(default_port);
  for (const auto& endpoint : options_.listen) {
    auto listening = std::make_unique<listener>(listener{tcp::acceptor(io_), asio::steady_timer(io_)});
    auto* acceptor = &listening->acceptor;
    const auto where = net::format_endpoint(endpoint.address(), endpoint.port());
    boost::system::error_code ec;
    acceptor->open(endpoint.protocol(), ec);
    if (!ec && endpoint.address().is_v6() && endpoint.address().is_unspecified())
      acceptor->set_option(asio::ip::v6_only(false), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::system_error(ec, "cannot listen on " + where);
    listeners_.push_back(std::move(listening));
  }
  for (auto& listening : listeners_) accept(*listening);
}

directory_server::~directory_server() { stop(); }

std::vector<tcp::endpoint> directory_server::local_endpoints() const {
  std::vector<tcp::endpoint> endpoints;
  for (const auto& listening : listeners_) {
    boost::system::error_code ec;
    const auto endpoint = listening->acceptor.local_endpoint(ec);
    if (!ec) endpoints.push_back(endpoint);
  }
  return endpoints;
}

void directory_server::accept(listener& where) {
  where.acceptor.async_accept([this, &where](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !where.acceptor.is_open()) return;
    if (ec) {
      // Out of file descriptors, say: the others are still served; accept again a little
      // later, and log it once rather than at every try.
      if (!where.failing)
        spdlog::warn("directory: accept failed: {}; retrying every {} ms until it works", ec.message(),
                     accept_retry_delay.count());
      where.failing = true;
      where.retry_timer.expires_after(accept_retry_delay);
      where.retry_timer.async_wait([this, &where](boost::system::error_code timer_error) {
        if (!timer_error && where.acceptor.is_open()) accept(where);
      });
      return;
    }
    if (where.failing) {
      spdlog::info("directory: accepting connections again");
      where.failing = false;
    }
    auto connection = net::framed_connection::create(
        std::move(socket), {.self = wire::role::directory_server,
                            .expected_peer = wire::role::directory_client,
                            .limits = options_.limits,
                            .handshake_timeout = options_.handshake_timeout});
    if (sessions_.size() >= options_.max_connections) {
      spdlog::warn("{}: refused: the directory already has {} connections", connection->peer(),
                   sessions_.size());
      connection->start();
      connection->close_with_error(wire::error::limit_exceeded, "too many connections");
    } else {
      const auto owner = next_owner_++;
      spdlog::debug("{}: connected", connection->peer());
      auto session = std::make_shared<directory_session>(*this, owner, std::move(connection));
      sessions_.emplace(owner, session);
      session->start();
    }
    accept(where);
  });
}

void directory_server::on_session_closed(owner_id owner) {
  for (const auto& name : registry_.release(owner))
    spdlog::info("directory: freed '{}'", printable_text(name));
  sessions_.erase(owner);
}

void directory_server::stop() {
  for (auto& listening : listeners_) {
    boost::system::error_code ignored;
    listening->acceptor.close(ignored);
    listening->retry_timer.cancel();
  }
  auto sessions = std::move(sessions_);
  sessions_.clear();
  for (auto& [owner, session] : sessions) {
    registry_.release(owner);
    session->close();
  }
}

}  // namespace imchat::directory
