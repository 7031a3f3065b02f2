#pragma once
// What the application behind a global exchange stored of everything the exchange
// published (a room's log): the exchange reads from it for a subscriber that is further
// behind, or asks for more, than its in-memory history holds, so that a display far
// behind lags instead of losing, whatever the store's size, and the exchange's process
// holds no more of it in memory than one chunk per such subscriber at a time.
//
// Part of the kernel's public API (docs/kernel.md, "A store behind the history"). I/O
// threads call it, several at once: an implementation is thread-safe, and should answer
// quickly (it runs on the thread that carries the subscriber's connection).

#include "kernel/message.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace imchat {

class archive {
 public:
  virtual ~archive() = default;

  struct slice {
    std::uint64_t first = 0;  // the number of messages[0]: past `from` if older ones are gone
    std::vector<message> messages;  // numbered, in order, without holes
  };
  // The messages numbered `from` and on but below `below`, at most about `max_bytes` of
  // them (always at least one when there is one). Empty when there is none; then `first`
  // says where the store's messages start (or `below`).
  virtual slice read(std::uint64_t from, std::uint64_t below, std::size_t max_bytes) = 0;

  // The number of the oldest message it holds (the exchange's next number when none).
  virtual std::uint64_t oldest() = 0;

  // The number of the first message stored at `time` or later (`below` when none is).
  virtual std::uint64_t first_since(std::chrono::system_clock::time_point time, std::uint64_t below) = 0;
};

}  // namespace imchat
