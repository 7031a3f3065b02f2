#pragma once
// Waiting for a room without blocking: what an interactive program (imchat chat) uses in
// place of wait_for_name, so that its screen stays alive while the directory or the room
// is not there yet. The first poll() asks the directory to say when the room's two global
// objects are there (locator::async_await); the answers come on the locator's thread, and
// each poll() only looks at them. Also says where the room's exchange is, for the status
// line, and can ask again after a reconnection (the room may have come back elsewhere).

#include "directory/locator.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace imchat::chat {

class room_finder {
 public:
  enum class state { waiting_for_directory, waiting_for_room, found };

  room_finder(directory::locator& directory, std::string room);

  // Where the search is; asks the directory again when due. Once found, stays found.
  state poll(std::chrono::steady_clock::time_point now);

  // The endpoints of the room's exchange (where its messages come from), as last found.
  std::vector<std::string> endpoints() const;
  // Asks the directory for them again.
  void refresh();

 private:
  struct answers;  // shared with the locator's thread

  directory::locator& directory_;
  const std::string room_;
  std::shared_ptr<answers> answers_;
  std::vector<std::shared_ptr<void>> waits_;  // the awaits under way
  bool found_ = false;
};

}  // namespace imchat::chat
