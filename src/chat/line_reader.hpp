#pragma once
// The prompt's input: a file descriptor read line by line, without blocking past a stop
// request, and without ever holding more than one line's worth: a line longer than the
// limit is not kept but counted, and skipped to its end (a gigabyte without a newline
// costs a prompt nothing).

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace imchat::chat {

struct input_line {
  std::string text;         // without its newline; empty when too long
  std::size_t length = 0;   // its length in bytes (a line too long is still measured)
  bool too_long = false;    // over the limit: text is empty
};

class line_reader {
 public:
  // Reads `fd` (not owned), keeping lines of at most `max_line` bytes.
  line_reader(int fd, std::size_t max_line) : fd_(fd), max_line_(max_line) {}

  // The next line, or nullopt at end of input or once `stop_requested` says so (asked
  // every 200 ms while nothing arrives). A last line without a newline counts as a line.
  using stop_check = std::function<bool()>;
  std::optional<input_line> next(const stop_check& stop_requested);

 private:
  // Takes a line out of buffer_ if one is complete, or buffer_'s end at end of input.
  std::optional<input_line> take_line();
  bool read_more(const stop_check& stop_requested);

  int fd_;
  std::size_t max_line_;
  std::string buffer_;
  // Where the unread part of buffer_ begins: lines are taken from the front by moving
  // this, and the rest is moved down only before a read (erasing each line from the
  // front moved the whole 64 KiB read along per line: a third of a prompt's time).
  std::size_t start_ = 0;
  std::size_t skipped_ = 0;  // bytes of an over-long line thrown away so far
  bool skipping_ = false;    // inside a line too long to keep
  bool eof_ = false;
};

}  // namespace imchat::chat
