#include "kernel/detail/publisher_registry.hpp"

#include "wire/error.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

namespace imchat::detail {

publisher_registry::publisher_registry(const queue_options& options, std::size_t max_publishers)
    : max_publishers_(max_publishers), when_stored_(options.acknowledge_when_stored) {
  for (const auto& record : options.streams) {
    auto& stream = publishers_[record.stream];
    stream.secret = record.secret;
    stream.next = stream.stored = stream.received = record.next;
  }
}

publisher_registry::claim publisher_registry::attach(std::uint64_t publisher, const wire::stream_secret& secret,
                                                     std::uint64_t first_held,
                                                     const std::shared_ptr<net::framed_connection>& connection) {
  std::lock_guard lock(mutex_);
  auto found = publishers_.find(publisher);
  if (found == publishers_.end()) {
    // A stream this queue has no record of: what the publisher no longer holds was
    // acknowledged by an earlier incarnation of the queue, so it starts where it says.
    if (publishers_.size() >= max_publishers_) forget_one_locked();
    found = publishers_.emplace(publisher, entry{}).first;
    found->second.secret = secret;
    found->second.next = found->second.stored = first_held;
  }
  auto& stream = found->second;
  if (!secret.proves(stream.secret))
    return {0, 0, wire::error::not_stream_owner, "the stream belongs to another publisher (its secret does not match)"};
  if (first_held > stream.stored)
    return {0, 0, wire::error::bad_field_value,
            "the stream resumes at " + std::to_string(first_held) + " but the queue's record of it ends at " +
                std::to_string(stream.stored) + ": the messages between would be lost"};
  if (auto previous = stream.owner.lock(); previous && previous != connection) {
    spdlog::info("{}: a new connection from {} takes over its stream", previous->peer(), connection->peer());
    boost::asio::post(previous->executor(), [previous] {
      previous->close_with_error(wire::error::name_in_use, "the publisher reconnected on another connection");
    });
  }
  stream.generation = ++generations_;
  stream.owner = connection;
  stream.last_attach = std::chrono::steady_clock::now();
  // The publisher resends from what was acknowledged; push() drops what is queued already.
  stream.received = stream.stored;
  return {stream.generation, stream.stored, {}, {}};
}

std::size_t publisher_registry::push(std::uint64_t publisher, std::uint64_t generation, queue& into,
                                     std::span<message> batch, std::function<void()> resume) {
  std::lock_guard lock(mutex_);
  const auto found = publishers_.find(publisher);
  if (found == publishers_.end() || found->second.generation != generation) return 0;
  auto& stream = found->second;
  const auto queued_already = std::min<std::uint64_t>(batch.size(), stream.next - stream.received);
  stream.received += queued_already;
  const auto fresh = batch.subspan(queued_already);
  for (std::size_t i = 0; i < fresh.size(); ++i) {
    fresh[i].set_stream(publisher);
    fresh[i].set_sequence(stream.next + i);
  }
  const auto taken = into.push_some(fresh, std::move(resume));
  stream.next += taken;
  stream.received += taken;
  if (!when_stored_) stream.stored = stream.next;
  return queued_already + taken;
}

void publisher_registry::acknowledge(std::span<const stream_record> stored) {
  std::lock_guard lock(mutex_);
  for (const auto& record : stored) {
    const auto found = publishers_.find(record.stream);
    if (found == publishers_.end()) continue;
    auto& stream = found->second;
    stream.stored = std::clamp(record.next, stream.stored, stream.next);
    if (auto owner = stream.owner.lock())
      boost::asio::post(owner->executor(), [owner, next = stream.stored] {
        if (!owner->closed()) owner->send_with([&](wire::bytes& out) { wire::encode(out, wire::ack_frame{next}); });
      });
  }
}

std::vector<stream_record> publisher_registry::records(
    const std::vector<std::pair<std::uint64_t, std::uint64_t>>& streams) const {
  std::lock_guard lock(mutex_);
  std::vector<stream_record> out;
  for (const auto& [stream, next] : streams)
    if (const auto found = publishers_.find(stream); found != publishers_.end())
      out.push_back({stream, found->second.secret, next});
  return out;
}

std::size_t publisher_registry::size() const {
  std::lock_guard lock(mutex_);
  return publishers_.size();
}

void publisher_registry::forget_one_locked() {
  auto oldest = publishers_.end();
  for (auto at = publishers_.begin(); at != publishers_.end(); ++at)
    if (at->second.owner.expired() && (oldest == publishers_.end() || at->second.last_attach < oldest->second.last_attach))
      oldest = at;
  if (oldest != publishers_.end()) publishers_.erase(oldest);
}

}  // namespace imchat::detail
