#include "kernel/detail/object_listener.hpp"

#include "kernel/detail/publisher_session.hpp"
#include "kernel/detail/subscriber_session.hpp"
#include "net/framed_connection.hpp"
#include "net/interface_spec.hpp"
#include "util/random_id.hpp"
#include "wire/body_writer.hpp"
#include "wire/control_frames.hpp"
#include "wire/error.hpp"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <future>
#include <netinet/in.h>
#include <sys/socket.h>

namespace imchat::detail {

namespace asio = boost::asio;
using asio::ip::tcp;

object_listener::object_listener(asio::io_context& listening, std::vector<asio::io_context*> workers,
                                 std::string name, target object, listener_options options)
    : listening_(listening),
      workers_(std::move(workers)),
      name_(std::move(name)),
      object_(std::move(object)),
      options_(options),
      incarnation_(random_id()) {
  if (workers_.empty()) workers_.push_back(&listening_);
}

namespace {

// An IPv6 address is "tentative" for a second or more after it is configured (duplicate
// address detection; the link-local address of every interface that comes up), and
// binding it then fails with EADDRNOTAVAIL. IP_FREEBIND lets the bind succeed at once and
// the address work as soon as it is ready. It also allows addresses the host lacks, but
// resolving the interface spec has already checked that every address is this host's.
void allow_tentative(tcp::acceptor& acceptor, boost::system::error_code& ec) {
  const int on = 1;
  if (::setsockopt(acceptor.native_handle(), IPPROTO_IP, IP_FREEBIND, &on, sizeof on) != 0)
    ec.assign(errno, boost::system::system_category());
}

}  // namespace

std::uint16_t object_listener::listen(const std::vector<tcp::endpoint>& endpoints,
                                      const std::string& spec_text) {
  std::uint16_t port = 0;
  for (auto endpoint : endpoints) {
    // Every address of one object shares a port, so that it can be advertised once.
    if (port != 0) endpoint.port(port);
    auto acceptor = std::make_unique<tcp::acceptor>(listening_);
    boost::system::error_code ec;
    acceptor->open(endpoint.protocol(), ec);
    if (!ec && endpoint.address().is_v6() && endpoint.address().is_unspecified())
      acceptor->set_option(asio::ip::v6_only(false), ec);
    if (!ec && endpoint.address().is_v6() && !endpoint.address().is_unspecified()) allow_tentative(*acceptor, ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      close();
      throw std::system_error(ec, "interface spec '" + spec_text + "': cannot listen on " +
                                      net::format_endpoint(endpoint.address(), endpoint.port()));
    }
    port = acceptor->local_endpoint().port();
    acceptors_.push_back(std::move(acceptor));
  }
  for (auto& acceptor : acceptors_) accept(*acceptor);
  return port;
}

object_listener::connection_list object_listener::close() {
  for (auto& acceptor : acceptors_) {
    boost::system::error_code ignored;
    acceptor->close(ignored);
  }
  auto closing = connections();
  std::lock_guard lock(connections_mutex_);
  closed_ = true;
  for (const auto& connection : closing) asio::post(connection->executor(), [connection] { connection->close(); });
  connections_.clear();
  return closing;
}

object_listener::connection_list object_listener::connections() {
  connection_list live;
  std::lock_guard lock(connections_mutex_);
  for (const auto& weak : connections_)
    if (auto connection = weak.lock()) live.push_back(std::move(connection));
  return live;
}

std::size_t object_listener::unsent_bytes(const connection_list& connections,
                                          std::chrono::steady_clock::time_point deadline) {
  std::vector<std::future<std::size_t>> counts;
  for (const auto& connection : connections) {
    auto count = std::make_shared<std::promise<std::size_t>>();
    counts.push_back(count->get_future());
    asio::post(connection->executor(), [connection, count] {
      count->set_value(connection->closed() ? 0 : connection->outbound_bytes());
    });
  }
  std::size_t unsent = 0;
  for (auto& count : counts)
    unsent += count.wait_until(deadline) == std::future_status::ready ? count.get() : 1;
  return unsent;
}

void object_listener::accept(tcp::acceptor& acceptor) {
  auto& worker = *workers_[next_worker_++ % workers_.size()];
  acceptor.async_accept(worker, [self = shared_from_this(), &acceptor, &worker](boost::system::error_code ec,
                                                                       tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      // Out of file descriptors, say: retrying at once would spin and flood the log.
      spdlog::warn("'{}': accept failed: {}; retrying in 100 ms", self->name_, ec.message());
      auto pause = std::make_shared<asio::steady_timer>(self->listening_, std::chrono::milliseconds(100));
      pause->async_wait([self, pause, &acceptor](boost::system::error_code) {
        if (acceptor.is_open()) self->accept(acceptor);
      });
      return;
    }
    // The socket already belongs to its worker's io_context: start it there.
    asio::post(worker, [self, &worker, socket = std::move(socket)]() mutable {
      self->on_connection(std::move(socket), worker);
    });
    self->accept(acceptor);
  });
}

namespace {

std::error_code check_attach(const wire::attach_request& attach, const std::string& name,
                             const object_listener::target& object, std::string& why) {
  if (attach.object != name) {
    why = "no object named '" + attach.object + "' here (this endpoint serves '" + name + "')";
    return wire::error::not_found;
  }
  const bool is_queue = std::holds_alternative<std::shared_ptr<queue>>(object);
  const auto wanted = is_queue ? wire::attach_direction::publish : wire::attach_direction::subscribe;
  if (attach.direction != wanted) {
    why = is_queue ? "'" + name + "' is a queue: it can only be published to"
                   : "'" + name + "' is an exchange: it can only be subscribed to";
    return wire::error::bad_field_value;
  }
  if (is_queue && (attach.stream == 0 || attach.sequence == 0)) {
    why = "a publisher needs an identity and a first sequence number (both non-zero)";
    return wire::error::bad_field_value;
  }
  return {};
}

}  // namespace

void object_listener::on_connection(tcp::socket socket, asio::io_context& io) {
  auto connection = net::framed_connection::create(
      std::move(socket), {.self = wire::role::kernel_object,
                          .expected_peer = wire::role::kernel_peer,
                          .limits = options_.limits,
                          .handshake_timeout = options_.handshake_timeout});
  std::weak_ptr<net::framed_connection> weak = connection;
  {
    std::lock_guard lock(connections_mutex_);
    if (closed_) return;  // dropping the connection closes its socket
    std::erase_if(connections_, [](const auto& each) { return each.expired(); });
    connections_.push_back(weak);
  }
  connection->on_closed = [peer = connection->peer(), name = name_](std::error_code ec, const std::string& detail) {
    if (ec) spdlog::info("{}: left '{}' before attaching: {}{}", peer, name, ec.message(),
                         detail.empty() ? "" : " (" + detail + ")");
  };
  connection->on_frame = [self = shared_from_this(), weak, &io](wire::frame&& frame) {
    if (auto attaching = weak.lock()) self->on_attach(attaching, frame, io);
  };
  connection->enable_heartbeats({.peer_timeout = options_.peer_timeout});
  connection->start();
}

void object_listener::on_attach(const std::shared_ptr<net::framed_connection>& connection,
                                const wire::frame& frame, asio::io_context& io) {
  wire::attach_request attach;
  std::error_code ec = frame.type == wire::frame_type::attach ? wire::decode(frame.body, attach)
                                                               : wire::error::unexpected_frame;
  std::string why = ec ? "expected ATTACH, got " + std::string(wire::frame_type_name(frame.type)) : "";
  if (!ec) ec = check_attach(attach, name_, object_, why);
  if (ec) {
    spdlog::warn("{}: refused: {}", connection->peer(), why);
    connection->close_with_error(ec, why);
    return;
  }
  if (const auto* into = std::get_if<std::shared_ptr<queue>>(&object_)) {
    spdlog::info("{}: publishing to '{}'", connection->peer(), name_);
    std::make_shared<publisher_session>(connection, *into, publishers_, incarnation_)->start(attach);
  } else {
    spdlog::info("{}: subscribed to '{}'", connection->peer(), name_);
    const auto& source = std::get<std::shared_ptr<exchange>>(object_);
    std::make_shared<subscriber_session>(connection, source, source->pipe_to(io), options_.max_subscriber_backlog)
        ->start(attach);
  }
}

}  // namespace imchat::detail
