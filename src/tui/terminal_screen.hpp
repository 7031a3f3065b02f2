#pragma once
// The terminal the chat client runs in, through ncurses (its wide-character build): the
// conversation above, a status line, the input line at the bottom with the cursor in it.
// It owns the terminal from construction to destruction: the terminal is restored however
// the program leaves (a thrown error included), and while it is drawn on, the process's
// standard error goes nowhere, so that no stray message can scribble over the screen
// (the program shows its log in the conversation: log_capture.hpp).
//
// One object, used from one thread: ncurses is not thread-safe.

#include "tui/conversation.hpp"
#include "tui/key.hpp"
#include "tui/line_editor.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

struct screen;  // ncurses' SCREEN

namespace imchat::tui {

class terminal_screen {
 public:
  // Takes over the terminal on standard input and output. Throws std::runtime_error, with
  // what to do, when they are not a terminal or ncurses does not know it ($TERM).
  terminal_screen();
  ~terminal_screen();
  terminal_screen(const terminal_screen&) = delete;
  terminal_screen& operator=(const terminal_screen&) = delete;

  // The next key, waiting at most `wait` for one.
  std::optional<key> read_key(std::chrono::milliseconds wait);

  // Draws everything: the rows of `lines` that fit, `status` in reverse video, then
  // `prompt` and the input line, scrolled so that its cursor shows.
  void draw(conversation& lines, std::u32string_view status, std::u32string_view prompt, line_editor& input);
  // The next draw() repaints the whole terminal (Ctrl-L: something else wrote on it).
  void repaint_all();

  void beep();

 private:
  ::screen* screen_ = nullptr;
  int saved_stderr_ = -1;
};

}  // namespace imchat::tui
