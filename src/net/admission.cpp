#include "net/admission.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace imchat::net {

std::string host_key(const boost::asio::ip::address& address) {
  if (address.is_v4()) return address.to_v4().to_string();
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

std::shared_ptr<connection_count> connection_count::create(connection_limits limits) {
  return std::make_shared<connection_count>(limits);
}

connection_count::slot connection_count::admit(const std::string& host, std::string& why) {
  std::lock_guard lock(mutex_);
  if (limits_.max_connections != 0 && total_ >= limits_.max_connections) {
    why = fmt::format("too many connections ({} open)", total_);
    return nullptr;
  }
  auto& from_host = per_host_[host];
  if (limits_.max_connections_per_host != 0 && from_host >= limits_.max_connections_per_host) {
    why = fmt::format("too many connections from {} ({} open)", host, from_host);
    return nullptr;
  }
  ++from_host;
  ++total_;
  // The slot keeps the count alive: a connection may outlive its listener.
  struct counted {
    counted(std::shared_ptr<connection_count> count_, std::string host_)
        : count(std::move(count_)), host(std::move(host_)) {}
    counted(const counted&) = delete;
    counted& operator=(const counted&) = delete;
    ~counted() { count->release(host); }
    std::shared_ptr<connection_count> count;
    std::string host;
  };
  return std::make_shared<counted>(shared_from_this(), host);
}

void connection_count::release(const std::string& host) {
  std::lock_guard lock(mutex_);
  --total_;
  if (const auto at = per_host_.find(host); at != per_host_.end() && --at->second == 0) per_host_.erase(at);
}

std::size_t connection_count::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

bool input_budget::take(std::size_t bytes) noexcept {
  auto used = used_.load(std::memory_order_relaxed);
  do {
    if (bytes > limit_ || used > limit_ - bytes) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
  return true;
}

}  // namespace imchat::net
