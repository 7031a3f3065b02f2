#pragma once
// A publisher's side of "exactly once": every message sent towards a remote queue gets the
// next number and is kept until the queue acknowledges it, so that it can be sent again
// after a reconnection. Its size is bounded by the send_window in front of it (the sender
// waits when the window is full), so nothing is ever dropped here. Sans-I/O: the binding
// feeds it.

#include "kernel/message.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace imchat::detail {

class resend_buffer {
 public:
  // Keeps `m` as the next numbered message.
  void add(const message& m);

  struct released {
    std::size_t messages = 0;
    std::size_t bytes = 0;
  };
  // The queue has accepted every message numbered below `next`: forgets them. Nullopt when
  // `next` is past anything numbered yet (a peer acknowledging what it cannot have).
  std::optional<released> acknowledge(std::uint64_t next);

  // The number of the oldest message kept (next_number() when none is).
  std::uint64_t first() const noexcept { return next_ - held_.size(); }
  std::uint64_t next_number() const noexcept { return next_; }
  const std::deque<message>& held() const noexcept { return held_; }
  bool empty() const noexcept { return held_.empty(); }

 private:
  std::deque<message> held_;
  std::uint64_t next_ = 1;
};

}  // namespace imchat::detail
