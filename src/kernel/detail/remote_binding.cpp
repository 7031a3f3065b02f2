#include "kernel/detail/remote_binding.hpp"

#include "directory/locator.hpp"
#include "net/interface_spec.hpp"
#include "wire/error.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

namespace imchat::detail {

namespace asio = boost::asio;
using asio::ip::tcp;

remote_binding::remote_binding(asio::io_context& io, directory::locator& directory, std::string remote,
                               wire::attach_direction direction, binding_options options)
    : io_(io),
      directory_(directory),
      remote_(std::move(remote)),
      direction_(direction),
      options_(options),
      retry_timer_(io),
      backoff_(options.reconnect_min, options.reconnect_max) {}

void remote_binding::start(wire::record first) {
  asio::post(io_, [self = shared_from_this(), first = std::move(first)] {
    self->on_start();
    self->connect(first);
  });
}

void remote_binding::stop() {
  asio::post(io_, [self = shared_from_this()] {
    self->stopping_ = true;
    self->retry_timer_.cancel();
    self->on_stop();
    if (self->connection_) self->connection_->close();
  });
}

void remote_binding::look_up() {
  std::weak_ptr<remote_binding> weak = shared_from_this();
  directory_.async_lookup(remote_, [weak](std::error_code ec, std::optional<wire::record> record) {
    auto self = weak.lock();
    if (!self) return;
    asio::post(self->io_, [self, ec, record = std::move(record)] {
      if (self->stopping_) return;
      if (ec) return self->retry("directory lookup failed: " + ec.message());
      if (!record) return self->retry("'" + self->remote_ + "' is not registered");
      self->connect(*record);
    });
  });
}

void remote_binding::connect(const wire::record& record) {
  std::vector<tcp::endpoint> endpoints;
  for (const auto& text : record.endpoints) {
    std::string host;
    std::uint16_t port = 0;
    boost::system::error_code ec;
    if (net::parse_endpoint(text, host, port)) continue;
    const auto address = asio::ip::make_address(host, ec);
    if (!ec) endpoints.emplace_back(address, port);
  }
  if (endpoints.empty()) return retry("'" + remote_ + "' has no usable endpoint");
  auto socket = std::make_shared<tcp::socket>(io_);
  // A host that vanished answers no SYN, and TCP retries them for minutes: give up after
  // the peer timeout and look the name up again, perhaps to find the object elsewhere.
  auto give_up = std::make_shared<asio::steady_timer>(io_, options_.peer_timeout);
  give_up->async_wait([socket](boost::system::error_code ec) {
    if (!ec) socket->close(ec);
  });
  asio::async_connect(*socket, endpoints,
                      [self = shared_from_this(), socket, give_up](boost::system::error_code ec, const tcp::endpoint&) {
                        give_up->cancel();
                        if (self->stopping_) return;
                        if (ec == asio::error::operation_aborted) ec = asio::error::timed_out;
                        if (ec) return self->retry("cannot connect: " + ec.message());
                        self->on_connected(std::move(*socket));
                      });
}

void remote_binding::on_connected(tcp::socket socket) {
  connection_ = net::framed_connection::create(
      std::move(socket), {.self = wire::role::kernel_peer,
                          .expected_peer = wire::role::kernel_object,
                          .limits = options_.limits,
                          .handshake_timeout = std::chrono::milliseconds(5000)});
  std::weak_ptr<remote_binding> weak = shared_from_this();
  connection_->on_ready = [weak] {
    auto self = weak.lock();
    if (!self) return;
    wire::attach_request request{self->direction_, self->remote_};
    self->fill_attach(request);
    self->connection_->send_with([&](wire::bytes& out) { wire::encode(out, request); });
  };
  connection_->on_frame = [weak](wire::frame&& frame) {
    if (auto self = weak.lock()) self->on_frame(std::move(frame));
  };
  connection_->on_batch_end = [weak] {
    auto self = weak.lock();
    if (self && self->attached_) self->on_batch_end();
  };
  connection_->on_closed = [weak](std::error_code ec, const std::string& detail) {
    if (auto self = weak.lock()) self->on_closed(ec, detail);
  };
  connection_->enable_heartbeats({.peer_timeout = options_.peer_timeout});
  connection_->start();
}

void remote_binding::refuse(std::error_code ec, const std::string& why) {
  spdlog::warn("'{}' at {}: {}", remote_, connection_->peer(), why);
  connection_->close_with_error(ec, why);
}

void remote_binding::on_frame(wire::frame&& frame) {
  if (attached_) return on_stream_frame(std::move(frame));
  wire::attached_reply reply;
  if (frame.type != wire::frame_type::attached) return refuse(wire::error::unexpected_frame, "expected ATTACHED");
  if (const auto ec = wire::decode(frame.body, reply)) return refuse(ec, "malformed ATTACHED");
  if (const auto ec = on_attached(reply)) return refuse(ec, "refused its ATTACHED: " + ec.message());
  attached_ = true;
  backoff_.reset();
  if (ever_attached_)
    spdlog::info("reconnected to '{}' at {}", remote_, connection_->peer());
  else
    spdlog::debug("bound to '{}' at {}", remote_, connection_->peer());
  ever_attached_ = true;
}

void remote_binding::on_closed(std::error_code ec, const std::string& detail) {
  const bool was_attached = attached_;
  attached_ = false;
  if (was_attached) on_detached();
  connection_.reset();
  if (stopping_) return;
  std::string why = ec ? ec.message() : "closed";
  if (!detail.empty()) why += " (" + detail + ")";
  if (was_attached) spdlog::warn("lost the connection to '{}': {}; reconnecting", remote_, why);
  retry(why);
}

void remote_binding::retry(const std::string& why) {
  if (stopping_) return;
  const auto delay = backoff_.next();
  spdlog::debug("'{}': {}; retrying in {} ms", remote_, why, delay.count());
  retry_timer_.expires_after(delay);
  retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec && !self->stopping_) self->look_up();
  });
}

}  // namespace imchat::detail
