#include "kernel/detail/publisher_registry.hpp"

#include "wire/error.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <string>

namespace imchat::detail {

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
    found->second.next = first_held;
  }
  auto& stream = found->second;
  if (!secret.proves(stream.secret))
    return {0, 0, wire::error::not_stream_owner, "the stream belongs to another publisher (its secret does not match)"};
  if (first_held > stream.next)
    return {0, 0, wire::error::bad_field_value,
            "the stream resumes at " + std::to_string(first_held) + " but the queue's record of it ends at " +
                std::to_string(stream.next) + ": the messages between would be lost"};
  if (auto previous = stream.owner.lock(); previous && previous != connection) {
    spdlog::info("{}: a new connection from {} takes over its stream", previous->peer(), connection->peer());
    boost::asio::post(previous->executor(), [previous] {
      previous->close_with_error(wire::error::name_in_use, "the publisher reconnected on another connection");
    });
  }
  stream.generation = ++generations_;
  stream.owner = connection;
  stream.last_attach = std::chrono::steady_clock::now();
  return {stream.generation, stream.next, {}, {}};
}

std::size_t publisher_registry::push(std::uint64_t publisher, std::uint64_t generation, queue& into,
                                     std::span<message> batch, std::function<void()> resume) {
  std::lock_guard lock(mutex_);
  const auto found = publishers_.find(publisher);
  if (found == publishers_.end() || found->second.generation != generation) return 0;
  const auto taken = into.push_some(batch, std::move(resume));
  found->second.next += taken;
  return taken;
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
