#pragma once
// The chat client's input line, edited as readline edits one: a cursor that moves by
// character (Left, Right, Home, End, Ctrl-A, Ctrl-E), deletion before and under it
// (Backspace, Delete), the kills (Ctrl-U to the start, Ctrl-K to the end, Ctrl-W the word
// before the cursor), and Up/Down through the lines entered before, the line being typed
// kept while you look. Works on code points, so a wide or accented character is one step.
// Knows nothing of terminals: the screen feeds it keys and draws what view() says.

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace imchat::tui {

class line_editor {
 public:
  // At most `max_bytes` of UTF-8 in the line (what the room can relay with the user's
  // name before it); at most `history_size` lines entered before are remembered.
  explicit line_editor(std::size_t max_bytes, std::size_t history_size = 1000);

  // Inserts at the cursor; false (nothing inserted) when the line would be too long.
  bool insert(char32_t code_point);

  void left();
  void right();
  void home();
  void end();
  void backspace();
  void delete_forward();
  void kill_to_start();
  void kill_to_end();
  void kill_word_before();
  // Up and Down: the line entered before (after) the one shown.
  void history_previous();
  void history_next();

  // The line as UTF-8, cleared and remembered in the history (unless empty, or the same
  // as the last one remembered).
  std::string take();

  bool empty() const noexcept { return text_.empty(); }
  const std::u32string& text() const noexcept { return text_; }
  std::size_t cursor() const noexcept { return cursor_; }

  // What fits in `width` cells with the cursor in sight: the first code point shown and
  // the cursor's cell within the view. Scrolls horizontally by half a view at a time, so
  // typing at the end of a long line does not shift it at every key.
  struct window {
    std::size_t first = 0;
    int cursor_cell = 0;
  };
  window view(int width);

 private:
  void replace(std::u32string text);  // the whole line, cursor at its end
  std::size_t bytes() const;

  const std::size_t max_bytes_;
  const std::size_t history_size_;
  std::u32string text_;
  std::size_t cursor_ = 0;
  std::deque<std::u32string> history_;
  std::size_t browsing_ = 0;             // index into history_; history_.size(): the new line
  std::optional<std::u32string> draft_;  // the line being typed while browsing the history
  std::size_t first_shown_ = 0;
};

}  // namespace imchat::tui
