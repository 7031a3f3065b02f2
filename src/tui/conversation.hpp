#pragma once
// What the chat client's upper part shows: the last lines of the conversation, wrapped to
// the window's width, newest at the bottom; PgUp and PgDn scroll back through what it
// keeps. While scrolled back the view stays where it is as new lines arrive below, as in
// every terminal chat client, and the status line says there is more. A bounded number
// of lines is kept (the room's log holds the rest: --history reaches into it).

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::tui {

class conversation {
 public:
  explicit conversation(std::size_t max_lines = 10'000) : max_lines_(max_lines) {}

  // A line to show, already safe for a terminal (chat::terminal_safe), as UTF-8.
  void add(std::string_view line);

  // The rows to draw in a window of `width` x `height` cells, top to bottom (fewer when
  // there is less to show); remembers the size for scrolling.
  std::vector<std::u32string> rows(int width, int height);

  // By a page (the last height seen, less one row of context), and back to the newest.
  void page_up();
  void page_down();
  void scroll_to_bottom() noexcept { back_ = 0; }

  // Rows back from the newest: 0 when the newest line is in view.
  std::size_t scrolled_back() const noexcept { return back_; }
  std::size_t size() const noexcept { return lines_.size(); }

 private:
  std::size_t total_rows(int width) const;
  void clamp();

  const std::size_t max_lines_;
  std::deque<std::u32string> lines_;
  std::size_t back_ = 0;  // rows scrolled back from the bottom
  int width_ = 80;
  int height_ = 20;
};

}  // namespace imchat::tui
