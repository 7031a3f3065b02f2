#pragma once
// Many TCP connections at once from one source address to a daemon on 127.0.0.1, as one
// hostile host would open them. Every address of 127.0.0.0/8 is loopback, but each counts
// as a host of its own: the flood comes from 127.0.0.2 (say) while the legitimate programs
// of a test use 127.0.0.1.
//
//   connection_flood flood("127.0.0.2", room_port, 5000, greeting);
//   const auto replies = flood.receive(8 + error_frame_size, 10s);  // what each one got
//
// Non-blocking throughout: opening and reading thousands takes a poll() loop, not a thread
// each.

#include "support/unique_fd.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::test {

class connection_flood {
 public:
  // Opens `count` connections from `source` to 127.0.0.1:port and sends `first_bytes` on
  // each once it is connected. REQUIREs that every one connects within `timeout`.
  connection_flood(const std::string& source, std::uint16_t port, std::size_t count, std::string_view first_bytes,
                   std::chrono::milliseconds timeout = std::chrono::seconds(30));

  std::size_t size() const { return sockets_.size(); }

  // Reads from every connection until each has `bytes` bytes or was closed by the peer,
  // or `timeout` passes; what each has received so far, in order.
  const std::vector<std::string>& receive(std::size_t bytes, std::chrono::milliseconds timeout);
  // Which connections the peer has closed (or reset), as far as receive() saw.
  const std::vector<bool>& closed() const { return closed_; }

  // Sends `bytes` on every connection still open (as much as the socket takes at once).
  void send_to_all(std::string_view bytes);

  // Closes them all.
  void close() { sockets_.clear(); }

 private:
  std::vector<unique_fd> sockets_;
  std::vector<std::string> received_;
  std::vector<bool> closed_;
};

// Raises this process's soft limit on open files to at least `wanted` (children inherit
// it); false when the hard limit is lower.
bool raise_descriptor_limit(std::size_t wanted);

}  // namespace imchat::test
