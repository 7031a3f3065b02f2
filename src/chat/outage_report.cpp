#include "chat/outage_report.hpp"

#include <fmt/format.h>

namespace imchat::chat {

void outage_report::disconnected(clock::time_point now) {
  if (down_since_) return;
  forget();
  down_since_ = now;
}

void outage_report::forget() {
  down_since_.reset();
  told_ = lost_some_ = lost_unknown_ = false;
  lost_ = 0;
}

void outage_report::gap(std::uint64_t lost) {
  lost_some_ = true;
  if (lost == 0) lost_unknown_ = true;
  lost_ += lost;
}

std::optional<std::string> outage_report::tick(clock::time_point now) {
  if (!down_since_ || told_ || now - *down_since_ < grace_) return std::nullopt;
  told_ = true;
  return std::string(problems_line);
}

std::vector<std::string> outage_report::reconnected() {
  std::vector<std::string> lines;
  // A gap without a recorded disconnection (a binding made before the notices were
  // switched on) is still told.
  if (!told_ && lost_some_) lines.emplace_back(problems_line);
  if (told_ || lost_some_) lines.push_back(back_line(lost_, lost_unknown_));
  forget();
  return lines;
}

std::string back_line(std::uint64_t lost, bool unknown) {
  if (unknown) return "Back in the chatroom: it restarted, so messages sent meanwhile may be lost.";
  if (lost == 0) return "Back in the chatroom: nothing was lost.";
  if (lost == 1) return "Back in the chatroom: 1 message was lost.";
  return fmt::format("Back in the chatroom: {} messages were lost.", lost);
}

}  // namespace imchat::chat
