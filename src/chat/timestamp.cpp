#include "chat/timestamp.hpp"

namespace imchat::chat {

const std::string& timestamp_prefix(std::time_t when) {
  // ctime_r() formats through the time zone rules each call, a quarter of a busy room's
  // time: a room stamps many messages within one second, so the last second's text is
  // kept per thread and reused.
  thread_local std::time_t cached_when = -1;
  thread_local std::string cached;
  if (when == cached_when && !cached.empty()) return cached;
  char text[64];
  cached = ctime_r(&when, text) ? text : "(unknown time)\n";
  if (!cached.empty() && cached.back() == '\n') cached.back() = ' ';
  cached_when = when;
  return cached;
}

}  // namespace imchat::chat
