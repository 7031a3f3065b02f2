#include "chat/room_status.hpp"

namespace imchat::chat {

namespace {
constexpr std::chrono::seconds status_interval{10};
}

room_status::room_status(std::string where)
    : where_(std::move(where)), next_status_(std::chrono::steady_clock::now() + status_interval) {
  systemd_.notify("READY=1\nSTATUS=open: " + where_);
}

void room_status::alive(std::uint64_t relayed) {
  systemd_.keep_alive();
  if (!systemd_.enabled() || std::chrono::steady_clock::now() < next_status_) return;
  systemd_.notify("STATUS=open: " + std::to_string(relayed) + " messages relayed; " + where_);
  next_status_ += status_interval;
}

void room_status::stopping() { systemd_.notify("STOPPING=1"); }

}  // namespace imchat::chat
