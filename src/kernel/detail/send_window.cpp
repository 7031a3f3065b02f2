#include "kernel/detail/send_window.hpp"

namespace imchat::detail {

bool send_window::has_room(std::size_t bytes) const noexcept {
  return messages_ == 0 || (messages_ < limits_.max_messages && bytes_ + bytes <= limits_.max_bytes);
}

bool send_window::acquire(std::size_t bytes, std::optional<std::chrono::steady_clock::time_point> deadline) {
  std::unique_lock lock(mutex_);
  if (deadline) {
    if (!room_.wait_until(lock, *deadline, [&] { return has_room(bytes); })) return false;
  } else {
    room_.wait(lock, [&] { return has_room(bytes); });
  }
  ++messages_;
  bytes_ += bytes;
  return true;
}

void send_window::release(std::size_t messages, std::size_t bytes) {
  {
    std::lock_guard lock(mutex_);
    messages_ -= std::min(messages, messages_);
    bytes_ -= std::min(bytes, bytes_);
  }
  room_.notify_all();
}

std::size_t send_window::in_flight() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

}  // namespace imchat::detail
