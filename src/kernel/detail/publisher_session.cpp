#include "kernel/detail/publisher_session.hpp"

#include "wire/error.hpp"

#include <spdlog/spdlog.h>

namespace imchat::detail {

void publisher_session::start(const wire::attach_request& request) {
  publisher_ = request.stream;
  const auto claim = publishers_->attach(request.stream, request.secret, request.sequence, connection_);
  if (claim.refused) return connection_->close_with_error(claim.refused, claim.why);
  generation_ = claim.generation;
  next_ = claim.next;
  connection_->send_with([&](wire::bytes& out) { wire::encode(out, wire::attached_reply{incarnation_, next_}); });

  std::weak_ptr<publisher_session> weak = shared_from_this();
  feeder_ = std::make_shared<queue_feeder>(connection_, [weak](std::span<message> batch, std::function<void()> resume) {
    auto self = weak.lock();
    return self ? self->push(batch, std::move(resume)) : std::size_t{0};
  });
  // The callbacks hold the session; the connection drops them once closed.
  connection_->on_frame = [self = shared_from_this()](wire::frame_view frame) {
    if (frame.type == wire::frame_type::message) return self->feeder_->add(frame);
    // The messages before it in the same read go into the queue first, so that their ACK
    // goes out before the ERROR, which is the last frame sent.
    self->feeder_->flush();
    self->connection_->close_with_error(wire::error::unexpected_frame,
                                        "a publisher may not send " + std::string(wire::frame_type_name(frame.type)) +
                                            " frames");
  };
  connection_->on_batch_end = [self = shared_from_this()] { self->feeder_->flush(); };
  connection_->on_closed = [peer = connection_->peer(), name = into_->name()](std::error_code ec,
                                                                             const std::string& detail) {
    spdlog::info("{}: stopped publishing to '{}'{}{}", peer, name, ec ? ": " + ec.message() : "",
                 detail.empty() ? "" : " (" + detail + ")");
  };
}

std::size_t publisher_session::push(std::span<message> batch, std::function<void()> resume) {
  const auto taken = publishers_->push(publisher_, generation_, *into_, batch, std::move(resume));
  if (taken == 0) return 0;
  next_ += taken;
  // One cumulative ACK per batch the queue took: per read, not per message. A queue whose
  // application stores what it takes acknowledges once it has (publisher_registry).
  if (!publishers_->acknowledges_when_stored())
    connection_->send_with([&](wire::bytes& out) { wire::encode(out, wire::ack_frame{next_}); });
  return taken;
}

}  // namespace imchat::detail
