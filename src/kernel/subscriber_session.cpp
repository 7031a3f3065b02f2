#include "kernel/subscriber_session.hpp"

#include "wire/body_writer.hpp"
#include "wire/error.hpp"

#include <spdlog/spdlog.h>

namespace imchat {

void subscriber_session::start() {
  if (auto pipe = pipe_.lock()) pipe->attach(shared_from_this());
  std::weak_ptr<subscriber_session> weak = shared_from_this();
  connection_->on_frame = [weak](wire::frame&& frame) {
    auto self = weak.lock();
    if (!self || frame.type == wire::frame_type::heartbeat) return;
    self->connection_->close_with_error(wire::error::unexpected_frame,
                                        "a subscriber may not send " +
                                            std::string(wire::frame_type_name(frame.type)) + " frames");
  };
  connection_->on_closed = [weak](std::error_code ec, const std::string& detail) {
    auto self = weak.lock();
    if (!self) return;
    spdlog::info("{}: subscriber left{}{}", self->connection_->peer(), ec ? ": " + ec.message() : "",
                 detail.empty() ? "" : " (" + detail + ")");
    if (auto pipe = self->pipe_.lock()) pipe->detach(self.get());
  };
}

void subscriber_session::deliver(std::span<const message> batch) {
  if (connection_->closed()) return;
  if (connection_->outbound_bytes() > max_outbound_bytes_) {
    spdlog::warn("{}: subscriber too slow ({} bytes unsent), disconnecting", connection_->peer(),
                 connection_->outbound_bytes());
    connection_->close_with_error(wire::error::limit_exceeded, "too slow: output limit exceeded");
    return;
  }
  connection_->send_with([&](wire::bytes& out) {
    for (const auto& m : batch)
      if (m.type() == message_type::data) wire::append_frame(out, wire::frame_type::message, m.data());
  });
}

}  // namespace imchat
