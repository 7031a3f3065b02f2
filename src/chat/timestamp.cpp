#include "chat/timestamp.hpp"

namespace imchat::chat {

std::string timestamp_prefix(std::time_t when) {
  char text[64];
  if (!ctime_r(&when, text)) return "(unknown time) ";
  std::string prefix(text);
  if (!prefix.empty() && prefix.back() == '\n') prefix.back() = ' ';
  return prefix;
}

}  // namespace imchat::chat
