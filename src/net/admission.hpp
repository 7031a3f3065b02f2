#pragma once
// What a listener lets in: at most so many connections in all and from one host, and at
// most so many bytes of partly received frames across all its connections. A room on
// eth0 is reachable by anyone on that network; without these, one host could take every
// descriptor the daemon has, or hold gigabytes in frames it never finishes sending.
//
// Both are shared by a listener's accepting thread and its workers: thread-safe.

#include <boost/asio/ip/address.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace imchat::net {

struct connection_limits {
  std::size_t max_connections = 0;           // open at once, from everyone; 0: no limit
  std::size_t max_connections_per_host = 0;  // open at once, from one host_key(); 0: no limit
  std::size_t max_partial_frame_bytes = 0;   // held for unfinished frames, all connections; 0: no limit
};

// The host a connection counts against: its IPv4 address (also when it arrives IPv4-mapped
// on a dual-stack socket), or its IPv6 /64, which one host has whole to pick addresses
// from ("10.0.0.7", "2001:db8:1:2::/64").
std::string host_key(const boost::asio::ip::address& address);

// Counts open connections, in all and per host.
class connection_count : public std::enable_shared_from_this<connection_count> {
 public:
  // Holding a slot is being counted; the count drops when its last copy goes (any thread).
  using slot = std::shared_ptr<void>;

  static std::shared_ptr<connection_count> create(connection_limits limits);
  explicit connection_count(connection_limits limits) : limits_(limits) {}

  // A slot for one more connection from `host`; or null, and `why` says which limit it
  // would break ("too many connections from 10.0.0.7 (1024)").
  slot admit(const std::string& host, std::string& why);

  std::size_t total() const;

 private:
  void release(const std::string& host);

  const connection_limits limits_;
  mutable std::mutex mutex_;
  std::size_t total_ = 0;
  std::unordered_map<std::string, std::size_t> per_host_;
};

// Bytes of partly received frames, drawn by every connection of a listener. A connection
// that would take more than is left is closed (limit_exceeded), and what it held returns.
class input_budget {
 public:
  explicit input_budget(std::size_t limit) noexcept : limit_(limit) {}

  // Takes `bytes` if that keeps the total within the limit; otherwise takes nothing.
  bool take(std::size_t bytes) noexcept;
  void give_back(std::size_t bytes) noexcept { used_.fetch_sub(bytes, std::memory_order_relaxed); }

  std::size_t limit() const noexcept { return limit_; }
  std::size_t used() const noexcept { return used_.load(std::memory_order_relaxed); }

 private:
  const std::size_t limit_;
  std::atomic<std::size_t> used_{0};
};

}  // namespace imchat::net
