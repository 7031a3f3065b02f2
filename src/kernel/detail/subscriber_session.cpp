#include "kernel/detail/subscriber_session.hpp"

#include "wire/body_writer.hpp"
#include "wire/error.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

#include <spdlog/spdlog.h>

namespace imchat::detail {

namespace {
// How much history goes into the connection at a time while catching up: enough to keep
// the socket busy. A chunk goes in only while less than a chunk waits, so at most two
// wait: with chunks of at most half the output limit, a subscriber that never reads holds
// no more than the limit while it catches up either.
constexpr std::size_t max_catch_up_chunk = 256 * 1024;
}  // namespace

subscriber_session::subscriber_session(std::shared_ptr<net::framed_connection> connection,
                                       std::shared_ptr<exchange> source, std::shared_ptr<fanout_pipe> pipe,
                                       std::size_t max_outbound_bytes)
    : connection_(std::move(connection)),
      source_(std::move(source)),
      pipe_(pipe),
      max_outbound_bytes_(max_outbound_bytes),
      catch_up_chunk_(std::clamp<std::size_t>(max_outbound_bytes / 2, 1, max_catch_up_chunk)) {}

void subscriber_session::start(const wire::attach_request& request) {
  // On the pipe first, then the history: whatever the history read misses comes through
  // the pipe, and what comes through twice is recognized by its number.
  if (auto pipe = pipe_.lock()) pipe->attach(shared_from_this());
  std::optional<std::uint64_t> first_since;
  if (request.since != 0)
    first_since = source_->first_since(std::chrono::system_clock::time_point(std::chrono::milliseconds(request.since)));
  next_ = stream_start(source_->incarnation(), request.stream, request.sequence, request.history, source_->oldest(),
                       source_->history().next(), source_->replays_to_earlier_subscribers(), first_since);
  connection_->send_with(
      [&](wire::bytes& out) { wire::encode(out, wire::attached_reply{source_->incarnation(), next_}); });

  std::weak_ptr<subscriber_session> weak = shared_from_this();
  connection_->on_frame = [weak](wire::frame_view frame) {
    auto self = weak.lock();
    if (!self) return;
    self->connection_->close_with_error(wire::error::unexpected_frame,
                                        "a subscriber may not send " +
                                            std::string(wire::frame_type_name(frame.type)) + " frames");
  };
  connection_->on_sent = [weak] {
    auto self = weak.lock();
    if (self && !self->live_ && self->connection_->outbound_bytes() < self->catch_up_chunk_) self->catch_up();
  };
  connection_->on_closed = [weak](std::error_code ec, const std::string& detail) {
    auto self = weak.lock();
    if (!self) return;
    spdlog::info("{}: subscriber left{}{}", self->connection_->peer(), ec ? ": " + ec.message() : "",
                 detail.empty() ? "" : " (" + detail + ")");
    if (auto pipe = self->pipe_.lock()) pipe->detach(self.get());
  };
  catch_up();
}

void subscriber_session::catch_up() {
  if (connection_->closed()) return;
  const auto slice = source_->read(next_, catch_up_chunk_);
  if (slice.first > next_) {
    // The history (and the archive, if there is one) moved past what this subscriber
    // still needs. Closing makes it reconnect, and it learns exactly how many it lost.
    connection_->close_with_error(wire::error::limit_exceeded, "fell behind the history while catching up");
    return;
  }
  next_ += write(slice.messages.begin(), slice.messages.end());
  live_ = next_ == slice.next;
}

void subscriber_session::deliver(std::span<const message> batch, encoded_batch& encoded) {
  if (!live_ || connection_->closed()) return;  // catch_up() reads these from the history
  if (connection_->outbound_bytes() > max_outbound_bytes_) {
    // Too slow for the live stream: it lags instead, fed from the history as it reads,
    // so that what waits for it stays bounded. Only a history that no longer holds what
    // it needs next cuts it off (catch_up()).
    if (!lagged_)
      spdlog::info("{}: subscriber too slow ({} bytes unsent): it is sent the history as it reads",
                   connection_->peer(), connection_->outbound_bytes());
    lagged_ = true;
    live_ = false;
    return;
  }
  // Messages numbered before next_ were sent from the history already. The rest go out as
  // the batch's shared frames: encoded once for every subscriber, not copied here.
  std::size_t first = 0;
  while (first < batch.size() && (batch[first].type() != message_type::data || batch[first].sequence() < next_)) ++first;
  const auto frames = encoded.from(first);
  connection_->send_shared(frames.frames, frames.offset, frames.size);
  next_ += frames.messages;
}

std::size_t subscriber_session::write(auto first, auto last) {
  std::size_t sent = 0;
  connection_->send_with([&](wire::bytes& out) {
    for (auto at = first; at != last; ++at) {
      if (at->type() != message_type::data) continue;
      wire::append_frame(out, wire::frame_type::message, at->data());
      ++sent;
    }
  });
  return sent;
}

}  // namespace imchat::detail
