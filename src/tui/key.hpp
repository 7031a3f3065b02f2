#pragma once
// A key as the chat client acts on it, whatever the terminal sent for it: the screen
// (terminal_screen.cpp) turns ncurses' keys and control characters into these, so that
// what a key does is decided in one place (chat_keys.cpp) and tested without a terminal.

namespace imchat::tui {

struct key {
  enum class code {
    character,  // `character` below: a printable code point to insert
    enter,
    backspace,
    delete_forward,  // Delete; Ctrl-D on a line that is not empty
    left,
    right,
    home,
    end,
    up,
    down,
    page_up,
    page_down,
    kill_to_start,     // Ctrl-U
    kill_to_end,       // Ctrl-K
    kill_word_before,  // Ctrl-W
    end_of_input,      // Ctrl-D
    redraw,            // Ctrl-L
    resize,            // the terminal changed size
    ignored,           // a control character or function key that does nothing here
  };
  code what = code::ignored;
  char32_t character = 0;
};

}  // namespace imchat::tui
