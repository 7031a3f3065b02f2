#include "kernel/detail/object_listener.hpp"

#include "kernel/detail/publisher_session.hpp"
#include "kernel/detail/subscriber_session.hpp"
#include "net/framed_connection.hpp"
#include "util/printable_text.hpp"
#include "util/random_id.hpp"
#include "wire/body_writer.hpp"
#include "wire/control_frames.hpp"
#include "wire/error.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <future>

namespace imchat::detail {

namespace asio = boost::asio;
using asio::ip::tcp;

object_listener::object_listener(asio::io_context& listening, std::vector<asio::io_context*> workers,
                                 std::string name, object_ref object, listener_options options)
    : name_(std::move(name)),
      object_(std::move(object)),
      options_(options),
      publishers_(options_.publishers ? options_.publishers : std::make_shared<publisher_registry>()),
      incarnation_(random_id()),
      listener_(net::listener::create(listening, std::move(workers), "'" + name_ + "'",
                                      {.connection = {.self = wire::role::kernel_object,
                                                      .expected_peer = wire::role::kernel_peer,
                                                      .limits = options_.limits,
                                                      .handshake_timeout = options_.handshake_timeout,
                                                      .tls = options_.tls},
                                       .peer_timeout = options_.peer_timeout,
                                       .limits = options_.admission})) {}

std::uint16_t object_listener::listen(const std::vector<tcp::endpoint>& endpoints,
                                      const std::string& spec_text) {
  std::string why;
  if (const auto error = listener_->listen(endpoints, why))
    throw std::system_error(error, "interface spec '" + spec_text + "': " + why);
  // Weak: the listener is ours, and must not keep us alive.
  listener_->start([weak = weak_from_this()](std::shared_ptr<net::framed_connection> connection,
                                             asio::io_context& io) {
    if (auto self = weak.lock()) self->on_connection(connection, io);
  });
  return listener_->port();
}

object_listener::connection_list object_listener::close() {
  listener_->close();
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
      count->set_value(connection->closed() ? 0 : connection->unacknowledged_bytes());
    });
  }
  std::size_t unsent = 0;
  for (auto& count : counts)
    unsent += count.wait_until(deadline) == std::future_status::ready ? count.get() : 1;
  return unsent;
}

namespace {

std::error_code check_attach(const wire::attach_request& attach, const std::string& name,
                             const object_ref& object, std::string& why) {
  if (attach.object != name) {
    // The object's name is the peer's bytes: escaped, and cut, before it reaches a log.
    why = "no object named '" + printable_text(attach.object, 256) + "' here (this endpoint serves '" +
          printable_text(name) + "')";
    return wire::error::not_found;
  }
  const bool is_queue = std::holds_alternative<std::shared_ptr<queue>>(object);
  const auto wanted = is_queue ? wire::attach_direction::publish : wire::attach_direction::subscribe;
  if (attach.direction != wanted) {
    why = is_queue ? "'" + name + "' is a queue: it can only be published to"
                   : "'" + name + "' is an exchange: it can only be subscribed to";
    return wire::error::bad_field_value;
  }
  if (is_queue && (attach.stream == 0 || attach.sequence == 0 || attach.secret.empty())) {
    why = "a publisher needs an identity, a secret and a first sequence number (all non-zero)";
    return wire::error::bad_field_value;
  }
  if (is_queue && attach.sequence >= wire::max_publisher_sequence) {
    // Numbered on from there, its messages would overflow the 64-bit sequence.
    why = "a publisher's first sequence number must be below 2^63";
    return wire::error::bad_field_value;
  }
  return {};
}

}  // namespace

void object_listener::on_connection(const std::shared_ptr<net::framed_connection>& connection,
                                    asio::io_context& io) {
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
  // A peer must say what it wants (ATTACH) within the handshake timeout: one that only
  // greets, and then heartbeats, would otherwise hold a connection for ever.
  auto attached = std::make_shared<bool>(false);
  auto deadline = std::make_shared<asio::steady_timer>(io, options_.handshake_timeout);
  deadline->async_wait([weak, attached, deadline, timeout = options_.handshake_timeout](boost::system::error_code ec) {
    if (ec || *attached) return;
    if (auto idle = weak.lock(); idle && !idle->closed())
      idle->close_with_error(
          wire::error::handshake_timeout,
          fmt::format("no ATTACH within {:g} s", std::chrono::duration<double>(timeout).count()));
  });
  connection->on_frame = [self = shared_from_this(), weak, &io, attached, deadline](wire::frame_view frame) {
    *attached = true;
    // Its memory goes now, not a handshake timeout later: ten thousand displays that
    // attach in a burst would otherwise hold ten thousand timers for that long.
    deadline->cancel();
    if (auto attaching = weak.lock()) self->on_attach(attaching, frame, io);
  };
  connection->start();
}

void object_listener::on_attach(const std::shared_ptr<net::framed_connection>& connection,
                                wire::frame_view frame, asio::io_context& io) {
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
