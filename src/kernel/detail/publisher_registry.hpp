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
// and pushes from a connection that lost its stream are refused.
//
// A queue that acknowledges only what its application stored (queue_options) keeps two
// marks per stream: what was queued, and what was stored (acknowledged). A publisher that
// reconnects resends from the stored mark, and what it resends that is already queued is
// dropped here, so a crash between the two loses nothing and a reconnection doubles
// nothing. Records stored by an earlier run seed the registry. Shared by the I/O threads
// that carry the queue's connections, so it is locked; the lock is held across a push so
// that a takeover cannot slip between the ownership check and the queue.

#include "kernel/detail/queue.hpp"
#include "kernel/options.hpp"
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
#include <utility>
#include <vector>

namespace imchat::detail {

class publisher_registry {
 public:
  // Identities forgotten beyond this many (those idle longest, never one connected).
  explicit publisher_registry(std::size_t max_publishers = 65'536) : max_publishers_(max_publishers) {}
  // A queue whose application acknowledges what it stored, with its earlier records.
  publisher_registry(const queue_options& options, std::size_t max_publishers = 65'536);

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
  // the stream, as queue::push_some does, each marked with its stream and number; returns
  // how many of `batch` were dealt with (taken, or dropped as already queued).
  std::size_t push(std::uint64_t publisher, std::uint64_t generation, queue& into, std::span<message> batch,
                   std::function<void()> resume);

  // Whether messages are acknowledged when stored (then by acknowledge()), not when queued.
  bool acknowledges_when_stored() const noexcept { return when_stored_; }
  // The application stored each stream up to its `next`: acknowledges that much to the
  // publisher's connection, if it has one.
  void acknowledge(std::span<const stream_record> stored);
  // The records of `streams`, their `next` as given (streams it no longer knows: none).
  std::vector<stream_record> records(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& streams) const;

  std::size_t size() const;

 private:
  struct entry {
    wire::stream_secret secret;
    std::uint64_t next = 0;      // the number of the next message to queue
    std::uint64_t stored = 0;    // acknowledged: everything before it is stored (or queued)
    std::uint64_t received = 0;  // the number of the next message on the owner's connection
    std::uint64_t generation = 0;
    std::weak_ptr<net::framed_connection> owner;
    std::chrono::steady_clock::time_point last_attach;
  };
  void forget_one_locked();

  const std::size_t max_publishers_;
  const bool when_stored_ = false;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, entry> publishers_;
  std::uint64_t generations_ = 0;
};

}  // namespace imchat::detail
