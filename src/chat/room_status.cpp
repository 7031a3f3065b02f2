#include "chat/room_status.hpp"

namespace imchat::chat {

namespace {
constexpr std::chrono::seconds status_interval{10};
}

room_status::room_status(std::string where)
    : where_(std::move(where)), next_status_(std::chrono::steady_clock::now() + status_interval) {
  systemd_.notify("READY=1\nSTATUS=open: " + where_);
}

void room_status::alive(std::uint64_t relayed, const std::vector<directory::lost_name>& lost) {
  systemd_.keep_alive();
  if (!systemd_.enabled()) return;
  const bool lost_changed = lost != lost_;
  if (!lost_changed && std::chrono::steady_clock::now() < next_status_) return;
  std::string status = "STATUS=";
  for (const auto& name : lost) status += name.why + "; retrying; ";
  status += "open: " + std::to_string(relayed) + " messages relayed; " + where_;
  systemd_.notify(status);
  lost_ = lost;
  if (!lost_changed) next_status_ += status_interval;
}

void room_status::stopping() { systemd_.notify("STOPPING=1"); }

}  // namespace imchat::chat
