#include "tui/chat_commands.hpp"

namespace imchat::tui {

typed_line interpret(std::string line) {
  if (line.empty()) return {typed_line::kind::nothing, {}};
  if (!line.starts_with('/')) return {typed_line::kind::say, std::move(line)};
  if (line.starts_with("//")) return {typed_line::kind::say, line.substr(1)};
  const auto end = line.find(' ');
  const std::string_view command = std::string_view(line).substr(0, end);
  if (command == "/quit" || command == "/exit") return {typed_line::kind::quit, {}};
  if (command == "/help") return {typed_line::kind::help, {}};
  return {typed_line::kind::unknown_command, std::string(command)};
}

std::vector<std::string> help_lines() {
  return {
      "* Commands:",
      "*   /quit        leave once the room has acknowledged every line (also Ctrl-D)",
      "*   /help        this list",
      "*   //text       say \"/text\"",
      "* Keys: Enter sends the line; Ctrl-C leaves at once.",
      "*   Left/Right, Home/End (Ctrl-A/Ctrl-E), Backspace/Delete, Ctrl-U, Ctrl-K, Ctrl-W edit it;",
      "*   Up/Down go through the lines sent before; PgUp/PgDn scroll the conversation;",
      "*   Ctrl-L redraws the screen.",
  };
}

}  // namespace imchat::tui
