#pragma once
// What the service manager hears from a room (systemd's Type=notify): READY=1 with where
// prompts and displays connect, a STATUS line every 10 s with how many messages it has
// relayed, the watchdog's keep-alive, and STOPPING=1. While another registrant holds the
// room's names, STATUS says so at once ("name 'Q_cheese' is held by ...; retrying"), for
// a room that cannot be found is not open in any useful sense. Outside systemd it does
// nothing.

#include "directory/locator.hpp"
#include "util/systemd_notify.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace imchat::chat {

class room_status {
 public:
  // Announces the room ready, once its objects listen and are registered.
  explicit room_status(std::string where);

  // From the room's loop, at least every second: proves it alive (WATCHDOG=1) and
  // updates STATUS now and then, and as soon as the names the locator lost change.
  void alive(std::uint64_t relayed, const std::vector<directory::lost_name>& lost);

  void stopping();

 private:
  const std::string where_;
  systemd_notifier systemd_;
  std::chrono::steady_clock::time_point next_status_;
  std::vector<directory::lost_name> lost_;  // as the last STATUS said
};

}  // namespace imchat::chat
