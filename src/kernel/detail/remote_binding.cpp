#include "kernel/detail/remote_binding.hpp"

#include "directory/locator.hpp"
#include "net/endpoint.hpp"
#include "net/tls_error.hpp"
#include "util/printable_text.hpp"
#include "wire/error.hpp"

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
      dialer_(net::dialer::create(io, {.connection = {.self = wire::role::kernel_peer,
                                                      .expected_peer = wire::role::kernel_object,
                                                      .limits = options.limits,
                                                      .tls = options.tls},
                                       .peer_timeout = options.peer_timeout,
                                       .reconnect_min = options.reconnect_min,
                                       .reconnect_max = options.reconnect_max})),
      on_key_error_(std::move(options.on_key_error)) {}

void remote_binding::start(wire::record first) {
  asio::post(io_, [self = shared_from_this(), first = std::move(first)] {
    self->on_start();
    self->connect(first);
  });
}

void remote_binding::stop() {
  asio::post(io_, [self = shared_from_this()] {
    self->stopping_ = true;
    self->dialer_->cancel();
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
      if (net::is_key_error(ec)) return self->give_up(ec, fmt::format("the directory refused: {}", ec.message()));
      if (ec) return self->retry("directory lookup failed: " + ec.message());
      if (!record) return self->retry("'" + self->remote_ + "' is not registered");
      self->connect(*record);
    });
  });
}

void remote_binding::connect(const wire::record& record) {
  std::vector<net::host_and_port> endpoints;
  for (const auto& text : record.endpoints) {
    net::host_and_port endpoint;
    std::string why;
    if (net::parse_endpoint(text, endpoint, why))
      spdlog::debug("'{}': ignoring endpoint '{}': {}", remote_, printable_text(text), why);
    else
      endpoints.push_back(std::move(endpoint));
  }
  if (endpoints.empty()) return retry("'" + remote_ + "' has no usable endpoint");
  dialer_->dial(std::move(endpoints), [self = shared_from_this()](std::error_code ec, const std::string& why,
                                                                 std::shared_ptr<net::framed_connection> connection) {
    if (self->stopping_) return;
    if (ec) return self->retry("cannot connect: " + why);
    self->on_connected(std::move(connection));
  });
}

void remote_binding::on_connected(std::shared_ptr<net::framed_connection> connection) {
  connection_ = std::move(connection);
  std::weak_ptr<remote_binding> weak = shared_from_this();
  connection_->on_ready = [weak] {
    auto self = weak.lock();
    if (!self) return;
    wire::attach_request request{self->direction_, self->remote_};
    self->fill_attach(request);
    self->connection_->send_with([&](wire::bytes& out) { wire::encode(out, request); });
  };
  connection_->on_frame = [weak](wire::frame_view frame) {
    if (auto self = weak.lock()) self->on_frame(frame);
  };
  connection_->on_batch_end = [weak] {
    auto self = weak.lock();
    if (self && self->attached_) self->on_batch_end();
  };
  connection_->on_closed = [weak](std::error_code ec, const std::string& detail) {
    if (auto self = weak.lock()) self->on_closed(ec, detail);
  };
  connection_->start();
}

void remote_binding::refuse(std::error_code ec, const std::string& why) {
  spdlog::warn("'{}' at {}: {}", remote_, connection_->peer(), why);
  connection_->close_with_error(ec, why);
}

void remote_binding::on_frame(wire::frame_view frame) {
  if (attached_) return on_stream_frame(frame);
  wire::attached_reply reply;
  if (frame.type != wire::frame_type::attached) return refuse(wire::error::unexpected_frame, "expected ATTACHED");
  if (const auto ec = wire::decode(frame.body, reply)) return refuse(ec, "malformed ATTACHED");
  if (const auto ec = on_attached(reply)) return refuse(ec, "refused its ATTACHED: " + ec.message());
  attached_ = true;
  dialer_->reset_backoff();
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
  const auto peer = connection_ ? connection_->peer() : std::string();
  connection_.reset();
  if (stopping_) return;
  std::string why = ec ? ec.message() : "closed";
  if (!detail.empty()) why += " (" + detail + ")";
  if (net::is_key_error(ec)) return give_up(ec, fmt::format("'{}' at {}: {}", remote_, peer, ec.message()));
  if (was_attached) spdlog::warn("lost the connection to '{}': {}; reconnecting", remote_, why);
  retry(why);
}

void remote_binding::give_up(std::error_code ec, const std::string& why) {
  stopping_ = true;
  dialer_->cancel();
  spdlog::error("{}; not retrying", why);
  if (on_key_error_) on_key_error_(ec, why);
}

void remote_binding::retry(const std::string& why) {
  if (stopping_) return;
  const auto delay = dialer_->retry_later([self = shared_from_this()] {
    if (!self->stopping_) self->look_up();
  });
  spdlog::debug("'{}': {}; retrying in {} ms", remote_, why, delay.count());
}

}  // namespace imchat::detail
