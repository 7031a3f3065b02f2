#include "kernel/detail/publisher_registry.hpp"

#include "wire/error.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace imchat::detail {

publisher_registry::claim publisher_registry::attach(std::uint64_t publisher, std::uint64_t first_held,
                                                     const std::shared_ptr<net::framed_connection>& connection) {
  std::lock_guard lock(mutex_);
  auto found = publishers_.find(publisher);
  if (found == publishers_.end()) {
    if (publishers_.size() >= max_publishers_) forget_one_locked();
    found = publishers_.emplace(publisher, entry{}).first;
    found->second.next = first_held;
  }
  auto& stream = found->second;
  if (auto previous = stream.owner.lock(); previous && previous != connection) {
    spdlog::info("{}: a new connection from {} takes over its stream", previous->peer(), connection->peer());
    boost::asio::post(previous->executor(), [previous] {
      previous->close_with_error(wire::error::name_in_use, "the publisher reconnected on another connection");
    });
  }
  // What the publisher no longer holds was acknowledged, perhaps to an earlier incarnation
  // of this queue: never ask for it.
  stream.next = std::max(stream.next, first_held);
  stream.generation = ++generations_;
  stream.owner = connection;
  stream.last_attach = std::chrono::steady_clock::now();
  return {stream.generation, stream.next};
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
