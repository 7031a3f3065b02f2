#pragma once
// The chat client's status line: which room, where it is connected and how (waiting for
// it, connected, reconnecting), how many lines the room has not acknowledged yet, and
// whether the conversation is scrolled back or the client is leaving.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::tui {

struct chat_status {
  enum class link { waiting_for_directory, waiting_for_room, connected, reconnecting };
  std::string_view room;
  link state = link::waiting_for_directory;
  std::string_view directory;           // its address, while waiting for it
  std::vector<std::string> endpoints;   // the room's exchange, once found
  std::size_t unacknowledged = 0;       // lines typed that the room has not acknowledged
  bool scrolled_back = false;
  bool leaving = false;
};

// One line, UTF-8; the room's name and endpoints escaped as any untrusted text is.
std::string status_text(const chat_status& status);

}  // namespace imchat::tui
