#include "kernel/detail/subscribing_binding.hpp"

#include "wire/error.hpp"

#include <spdlog/spdlog.h>

namespace imchat::detail {

subscribing_binding::subscribing_binding(boost::asio::io_context& io, directory::locator& directory, std::string remote,
                                         std::shared_ptr<queue> into, const bind_options& joining,
                                         binding_options options)
    : remote_binding(io, directory, std::move(remote), wire::attach_direction::subscribe, options),
      into_(std::move(into)),
      history_(joining.history),
      since_(since_field(joining.since)) {}

std::uint64_t subscribing_binding::since_field(std::optional<std::chrono::system_clock::time_point> since) {
  if (!since) return 0;
  // Before 1970 is all of it: 1 ms after, since 0 would mean "not asked".
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since->time_since_epoch()).count();
  return ms < 1 ? 1 : static_cast<std::uint64_t>(ms);
}

void subscribing_binding::fill_attach(wire::attach_request& request) {
  request.stream = incarnation_;
  request.sequence = next_;
  request.history = history_;
  request.since = since_;
}

std::error_code subscribing_binding::on_attached(const wire::attached_reply& reply) {
  if (reply.stream == 0 || reply.sequence == 0) return wire::error::bad_field_value;
  const bool again = incarnation_ != 0;
  if (again && reply.stream != incarnation_) {
    spdlog::warn("'{}' restarted: messages it sent meanwhile may be lost", remote());
    into_->push_gap();
  } else if (again && reply.sequence > next_) {
    const auto lost = reply.sequence - next_;
    spdlog::warn("'{}' no longer holds the {} messages sent while this side was away", remote(), lost);
    into_->push_gap(lost);
  }
  if (again) into_->push_notice(message_type::reconnected);
  incarnation_ = reply.stream;
  next_ = reply.sequence;
  feeder_ = std::make_shared<queue_feeder>(connection_ptr(), into_);
  return {};
}

void subscribing_binding::on_stream_frame(wire::frame_view frame) {
  if (frame.type == wire::frame_type::message) return feeder_->add(frame);
  refuse(wire::error::unexpected_frame, "unexpected " + std::string(wire::frame_type_name(frame.type)) + " frame");
}

void subscribing_binding::on_batch_end() { feeder_->flush(); }

void subscribing_binding::on_detached() {
  // Messages received but not yet taken by the queue are forgotten: the exchange sends
  // them again, since they come after the last one taken.
  next_ += feeder_->accepted();
  feeder_.reset();
  into_->push_notice(message_type::disconnected);
}

}  // namespace imchat::detail
