#pragma once
// What a line typed into the chat client means: said to the room, or one of the client's
// own commands, as IRC clients have them (/quit, /help). A line that starts with "//" is
// said with one slash less, so that anything can be said.

#include <string>
#include <string_view>
#include <vector>

namespace imchat::tui {

struct typed_line {
  enum class kind {
    say,              // `text` goes to the room
    quit,             // leave once the room has everything
    help,             // show help_lines()
    unknown_command,  // `text` is the command as typed
    nothing,          // an empty line
  };
  kind what = kind::nothing;
  std::string text;
};

typed_line interpret(std::string line);

// What /help shows: the commands and the keys.
std::vector<std::string> help_lines();

}  // namespace imchat::tui
