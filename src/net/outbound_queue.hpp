#pragma once
// What a connection has yet to write, in order: bytes of its own (frames it encoded for
// itself) and shared buffers (frames encoded once for every subscriber of an exchange,
// which each subscriber's connection only refers to). A write takes the lot as one
// gather list, so a batch fanned out to a hundred connections is encoded once and never
// copied in user space: the kernel copies it into each socket. (nats-server's outbound
// chunk list and writev are the model.)
//
// While a write is in flight its chunks are frozen: what is added meanwhile goes after
// them, and written() drops exactly the frozen ones. Not thread-safe: one connection's.

#include "wire/frame.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/container/small_vector.hpp>

#include <cstddef>
#include <memory>
#include <span>

namespace imchat::net {

class outbound_queue {
 public:
  // The bytes of its own to append to (encode into it): after everything queued so far.
  wire::bytes& own();
  // `size` bytes of `buffer` from `offset`, referred to, not copied.
  void append_shared(std::shared_ptr<const wire::bytes> buffer, std::size_t offset, std::size_t size);

  // Bytes waiting, in flight included.
  std::size_t size() const noexcept { return settled_ + (tail_open_ ? chunks_.back().own.size() : 0); }
  // Whether anything waits that no write has taken yet.
  bool has_unsent() const noexcept { return size() > frozen_bytes_; }

  // Freezes everything not in flight and gives its buffers, for one write (a view: what
  // a write operation copies is two words, not a list). At most `max_buffers` chunks go
  // in one write; the rest waits for the next.
  std::span<const boost::asio::const_buffer> take_for_write(std::size_t max_buffers = 256);
  // The write of what take_for_write() gave completed: it goes.
  void written();
  // Drops everything (the connection closed).
  void clear();

 private:
  struct chunk {
    wire::bytes own;                             // used when `shared` is null
    std::shared_ptr<const wire::bytes> shared;
    std::size_t offset = 0;
    std::size_t size = 0;                        // of the shared range
    std::size_t bytes() const noexcept { return shared ? size : own.size(); }
  };

  // The last chunk, of its own bytes, still takes what is encoded: its size is counted
  // when it closes.
  void close_tail() noexcept;

  // Room for one chunk inline: an idle connection's queue (a heartbeat now and then)
  // allocates nothing but its bytes, which it keeps for the next (ten thousand idle
  // displays pay for every byte here).
  boost::container::small_vector<chunk, 1> chunks_;
  std::size_t frozen_ = 0;        // chunks in the write in flight, at the front
  std::size_t frozen_bytes_ = 0;  // and their bytes
  std::size_t settled_ = 0;       // the bytes of every chunk but an open tail
  bool tail_open_ = false;
  boost::container::small_vector<boost::asio::const_buffer, 2> buffers_;
};

}  // namespace imchat::net
