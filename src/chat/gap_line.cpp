#include "chat/gap_line.hpp"

namespace imchat::chat {

std::string gap_line(std::uint64_t lost) {
  std::string line = "Problems connecting to the chatroom...";
  if (lost == 1) line += " (1 message lost)";
  else if (lost > 1) line += " (" + std::to_string(lost) + " messages lost)";
  return line + "\n";
}

}  // namespace imchat::chat
