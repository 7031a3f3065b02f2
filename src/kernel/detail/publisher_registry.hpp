#pragma once
// A global queue's memory of its publishers, the receiving side of "exactly once": for
// each publisher identity, the number of the next message the queue expects from it. A
// publisher that reconnects is told that number and resends from there, so nothing it
// sent is queued twice. A stream belongs to whoever proves its secret (recorded with its
// first ATTACH): anyone else who knows the identity is refused, and the stream's owner is
// not disturbed. A resumed stream continues where the record ends: a publisher saying it
// no longer holds messages the queue never got would have them skipped, so that is
// refused too. One connection at a time owns a stream: a new ATTACH with the same
// identity and secret takes it over (the old connection is presumed dead and closed),
// and pushes from a connection that lost its stream are refused. Shared by the I/O threads
// that carry the queue's connections, so it is locked; the lock is held across a push so
// that a takeover cannot slip between the ownership check and the queue.

#include "kernel/detail/queue.hpp"
#include "net/framed_connection.hpp"
#include "wire/control_frames.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <unordered_map>

namespace imchat::detail {

class publisher_registry {
 public:
  // Identities forgotten beyond this many (those idle longest, never one connected).
  explicit publisher_registry(std::size_t max_publishers = 65'536) : max_publishers_(max_publishers) {}

  struct claim {
    std::uint64_t generation = 0;  // proves ownership to push()
    std::uint64_t next = 0;        // the number the queue expects next from this publisher
    std::error_code refused;       // set when the ATTACH may not have the stream (then `why`)
    std::string why;
  };
  // `publisher`, proving itself with `secret`, attaches on `connection`, still holding
  // messages from `first_held` on.
  claim attach(std::uint64_t publisher, const wire::stream_secret& secret, std::uint64_t first_held,
               const std::shared_ptr<net::framed_connection>& connection);

  // Pushes `batch` (the publisher's next messages) into `into` if `generation` still owns
  // the stream, as queue::push_some does; returns how many the queue took.
  std::size_t push(std::uint64_t publisher, std::uint64_t generation, queue& into, std::span<message> batch,
                   std::function<void()> resume);

  std::size_t size() const;

 private:
  struct entry {
    wire::stream_secret secret;
    std::uint64_t next = 0;
    std::uint64_t generation = 0;
    std::weak_ptr<net::framed_connection> owner;
    std::chrono::steady_clock::time_point last_attach;
  };
  void forget_one_locked();

  const std::size_t max_publishers_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, entry> publishers_;
  std::uint64_t generations_ = 0;
};

}  // namespace imchat::detail
