#include "kernel/remote_binding.hpp"

#include "directory/locator.hpp"
#include "net/interface_spec.hpp"
#include "wire/body_writer.hpp"
#include "wire/error.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

namespace imchat {

namespace asio = boost::asio;
using asio::ip::tcp;

std::shared_ptr<remote_binding> remote_binding::publish(asio::io_context& io, locator& directory,
                                                        std::string remote, std::shared_ptr<fanout_pipe> source,
                                                        binding_options options) {
  auto binding = std::make_shared<remote_binding>(io, directory, std::move(remote),
                                                  wire::attach_direction::publish, options);
  binding->source_ = std::move(source);
  return binding;
}

std::shared_ptr<remote_binding> remote_binding::subscribe(asio::io_context& io, locator& directory,
                                                          std::string remote, std::shared_ptr<queue> into,
                                                          binding_options options) {
  auto binding = std::make_shared<remote_binding>(io, directory, std::move(remote),
                                                  wire::attach_direction::subscribe, options);
  binding->into_ = std::move(into);
  return binding;
}

remote_binding::remote_binding(asio::io_context& io, locator& directory, std::string remote,
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
    if (auto source = self->source_.lock()) source->attach(self);
    self->connect(first);
  });
}

void remote_binding::stop() {
  asio::post(io_, [self = shared_from_this()] {
    self->stopping_ = true;
    self->retry_timer_.cancel();
    if (auto source = self->source_.lock()) source->detach(self.get());
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
  asio::async_connect(*socket, endpoints,
                      [self = shared_from_this(), socket](boost::system::error_code ec, const tcp::endpoint&) {
                        if (self->stopping_) return;
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
    self->connection_->send_with([&](wire::bytes& out) {
      wire::encode(out, wire::attach_request{self->direction_, self->remote_});
    });
  };
  connection_->on_frame = [weak](wire::frame&& frame) {
    if (auto self = weak.lock()) self->on_frame(std::move(frame));
  };
  connection_->on_batch_end = [weak] {
    auto self = weak.lock();
    if (self && self->feeder_) self->feeder_->flush();
  };
  connection_->on_closed = [weak](std::error_code ec, const std::string& detail) {
    if (auto self = weak.lock()) self->on_closed(ec, detail);
  };
  connection_->enable_heartbeats({.peer_timeout = options_.peer_timeout});
  connection_->start();
}

void remote_binding::on_frame(wire::frame&& frame) {
  if (!attached_) {
    if (frame.type != wire::frame_type::attached) {
      connection_->close_with_error(wire::error::unexpected_frame, "expected ATTACHED");
      return;
    }
    attached_ = true;
    backoff_.reset();
    if (ever_attached_)
      spdlog::info("reconnected to '{}' at {}", remote_, connection_->peer());
    else
      spdlog::debug("bound to '{}' at {}", remote_, connection_->peer());
    ever_attached_ = true;
    if (into_) feeder_ = std::make_shared<queue_feeder>(into_, connection_);
    if (!pending_.empty()) {
      const std::vector<message> held(pending_.begin(), pending_.end());
      pending_.clear();
      write(held);
    }
    return;
  }
  if (frame.type == wire::frame_type::heartbeat) return;
  if (frame.type == wire::frame_type::message && feeder_) return feeder_->add(frame);
  connection_->close_with_error(wire::error::unexpected_frame,
                                "unexpected " + std::string(wire::frame_type_name(frame.type)) + " frame");
}

void remote_binding::on_closed(std::error_code ec, const std::string& detail) {
  const bool was_attached = attached_;
  attached_ = false;
  feeder_.reset();
  connection_.reset();
  if (stopping_) return;
  std::string why = ec ? ec.message() : "closed";
  if (!detail.empty()) why += " (" + detail + ")";
  if (was_attached) {
    spdlog::warn("lost the connection to '{}': {}; reconnecting", remote_, why);
    if (into_) into_->push_gap();
  }
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

void remote_binding::deliver(std::span<const message> batch) {
  if (attached_ && connection_ && !connection_->closed()) return write(batch);
  for (const auto& m : batch) {
    if (m.type() != message_type::data) continue;
    if (pending_.size() >= options_.max_pending_messages) {
      spdlog::warn("'{}' unreachable and {} messages are waiting: dropping the oldest", remote_, pending_.size());
      pending_.pop_front();
    }
    pending_.push_back(m);
  }
}

bool remote_binding::drained() const {
  if (auto source = source_.lock(); source && !source->empty()) return false;
  if (!pending_.empty()) return false;
  if (direction_ == wire::attach_direction::subscribe) return true;
  return attached_ && connection_ && connection_->outbound_bytes() == 0;
}

void remote_binding::write(std::span<const message> batch) {
  connection_->send_with([&](wire::bytes& out) {
    for (const auto& m : batch)
      if (m.type() == message_type::data) wire::append_frame(out, wire::frame_type::message, m.data());
  });
}

}  // namespace imchat
