#include "chat/line_reader.hpp"

#include <cerrno>
#include <string_view>
#include <utility>
#include <poll.h>
#include <unistd.h>

namespace imchat::chat {

std::optional<input_line> line_reader::take_line() {
  const std::string_view unread = std::string_view(buffer_).substr(start_);
  const auto end = unread.find('\n');
  if (end == std::string_view::npos) {
    if (!skipping_ && unread.size() > max_line_) skipping_ = true;  // too long already
    if (skipping_) {
      skipped_ += unread.size();
      buffer_.clear();
      start_ = 0;
      if (!eof_) return std::nullopt;
    } else if (!eof_ || unread.empty()) {
      return std::nullopt;
    }
  }
  const auto rest = std::string_view(buffer_).substr(start_);
  const auto length = end == std::string_view::npos ? rest.size() : end;
  input_line line;
  line.length = skipped_ + length;
  line.too_long = skipping_ || length > max_line_;
  if (!line.too_long) line.text.assign(rest.substr(0, length));
  start_ += end == std::string_view::npos ? length : length + 1;
  skipped_ = 0;
  skipping_ = false;
  return line;
}

bool line_reader::read_more(const stop_check& stop_requested) {
  for (;;) {
    if (stop_requested()) return false;
    pollfd input{.fd = fd_, .events = POLLIN, .revents = 0};
    if (::poll(&input, 1, 200) <= 0) continue;
    buffer_.erase(0, std::exchange(start_, 0));  // what was taken goes, once per read
    char chunk[64 * 1024];
    const auto n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      eof_ = true;
      return true;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
}

std::optional<input_line> line_reader::next(const stop_check& stop_requested) {
  for (;;) {
    if (auto line = take_line()) return line;
    if (eof_ || !read_more(stop_requested)) return std::nullopt;
  }
}

}  // namespace imchat::chat
