#include "kernel/detail/publishing_binding.hpp"

#include "util/random_id.hpp"
#include "util/secure_random.hpp"
#include "wire/body_writer.hpp"
#include "wire/error.hpp"

#include <spdlog/spdlog.h>

namespace imchat::detail {

publishing_binding::publishing_binding(boost::asio::io_context& io, directory::locator& directory, std::string remote,
                                       std::shared_ptr<fanout_pipe> source, binding_options options)
    : remote_binding(io, directory, std::move(remote), wire::attach_direction::publish, options),
      source_(std::move(source)),
      identity_(random_id()),
      secret_{secure_random_u64(), secure_random_u64()} {}

void publishing_binding::on_start() {
  if (auto source = source_.lock())
    source->attach(std::static_pointer_cast<publishing_binding>(shared_from_this()));
}

void publishing_binding::on_stop() {
  if (auto source = source_.lock()) source->detach(this);
}

void publishing_binding::fill_attach(wire::attach_request& request) {
  request.stream = identity_;
  request.secret = secret_;
  request.sequence = unacknowledged_.first();
}

bool publishing_binding::acknowledge(std::uint64_t next) {
  const auto released = unacknowledged_.acknowledge(next);
  if (!released) return false;
  if (auto source = source_.lock(); source && source->window())
    source->window()->release(released->messages, released->bytes);
  return true;
}

std::error_code publishing_binding::on_attached(const wire::attached_reply& reply) {
  // The queue expects `sequence` next: it has accepted everything before, and it never
  // asks for less than the oldest we said we hold.
  if (reply.sequence < unacknowledged_.first() || !acknowledge(reply.sequence)) return wire::error::bad_field_value;
  const auto& held = unacknowledged_.held();
  // On the first connection these are just the messages sent while it was being made.
  if (!held.empty() && reattaching_) spdlog::info("'{}': resending {} unacknowledged messages", remote(), held.size());
  reattaching_ = true;
  write(held.begin(), held.end());
  return {};
}

void publishing_binding::on_stream_frame(wire::frame_view frame) {
  wire::ack_frame ack;
  if (frame.type != wire::frame_type::ack)
    return refuse(wire::error::unexpected_frame,
                  "unexpected " + std::string(wire::frame_type_name(frame.type)) + " frame");
  if (const auto ec = wire::decode(frame.body, ack)) return refuse(ec, "malformed ACK");
  if (!acknowledge(ack.next)) refuse(wire::error::bad_field_value, "ACK of messages never sent");
}

void publishing_binding::deliver(std::span<const message> batch, encoded_batch& /*encoded*/) {
  const auto before = unacknowledged_.held().size();
  for (const auto& m : batch)
    if (m.type() == message_type::data) unacknowledged_.add(m);
  // Unattached, they wait for the resend that follows ATTACHED.
  if (!attached()) return;
  const auto& held = unacknowledged_.held();
  write(held.begin() + static_cast<std::ptrdiff_t>(before), held.end());
}

void publishing_binding::write(auto first, auto last) {
  if (first == last) return;
  connection().send_with([&](wire::bytes& out) {
    for (auto at = first; at != last; ++at) wire::append_frame(out, wire::frame_type::message, at->data());
  });
}

bool publishing_binding::drained() const {
  if (auto source = source_.lock(); source && !source->empty()) return false;
  return unacknowledged_.empty();
}

}  // namespace imchat::detail
