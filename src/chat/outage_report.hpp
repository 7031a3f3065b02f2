#pragma once
// What a display says about its connection to the room, from the kernel's connection
// notices: the tutorial's "Problems connecting to the chatroom..." once per outage, when
// the connection broke and is not back within a grace period (a blip that loses nothing
// is not worth a line), and when it is back one line that says so and how many messages
// were lost, exactly, or that nothing was. An outage that lost messages is always told,
// however short. Knows nothing of clocks or terminals: the caller passes the time and
// prints the lines.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::chat {

inline constexpr std::string_view problems_line = "Problems connecting to the chatroom...";

class outage_report {
 public:
  using clock = std::chrono::steady_clock;

  explicit outage_report(std::chrono::milliseconds grace = std::chrono::seconds(1)) : grace_(grace) {}

  // The kernel's notices, in the order they came.
  void disconnected(clock::time_point now);
  // `lost` messages are missing (0: an unknown number, the room restarted).
  void gap(std::uint64_t lost);
  // The lines to print now that the connection is back (none after a blip that lost nothing).
  std::vector<std::string> reconnected();

  // The problems line, once, when the grace period of an outage has passed at `now`.
  std::optional<std::string> tick(clock::time_point now);

  // Whether the connection is down (between `disconnected` and `reconnected`).
  bool down() const noexcept { return down_since_.has_value(); }

 private:
  void forget();  // no outage under way

  const std::chrono::milliseconds grace_;
  std::optional<clock::time_point> down_since_;
  bool told_ = false;           // the problems line of this outage was printed
  bool lost_some_ = false;      // a gap notice came during this outage
  bool lost_unknown_ = false;   // ... and one of them could not say how many
  std::uint64_t lost_ = 0;
};

// "Back in the chatroom: nothing was lost." and the other endings, for `lost` messages
// (`unknown`: the room restarted and cannot know what its predecessor sent).
std::string back_line(std::uint64_t lost, bool unknown);

}  // namespace imchat::chat
