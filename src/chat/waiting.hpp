#pragma once
// Waiting for what a chat program needs before it can start: the directory, and the
// room's global objects. The first time it has to wait it says so once on stderr; a
// deadline (the --timeout option) bounds the wait for scripts.

#include "chat/stop_signal.hpp"
#include "directory/locator.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace imchat::chat {

struct wait_policy {
  std::optional<std::chrono::steady_clock::time_point> deadline;  // none: wait forever
  const stop_signal* stop = nullptr;
};

// Waits until `name` is registered in the directory. Returns false on deadline or stop
// request, having printed why. Throws the locator's failure() (the keys do not allow a
// connection): waiting cannot mend that.
bool wait_for_name(directory::locator& directory, const std::string& name, const std::string& what,
                   const wait_policy& policy);

// Waits until the directory can be reached. Same contract.
bool wait_for_directory(directory::locator& directory, const wait_policy& policy);

}  // namespace imchat::chat
