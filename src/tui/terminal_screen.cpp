#include "tui/terminal_screen.hpp"

#include "tui/text_cells.hpp"

// curses.h defines function-like macros (erase, clear, move, refresh...) that would
// rewrite member calls of the same names: only here, and without them.
#define NCURSES_NOMACROS
#define NCURSES_WIDECHAR 1
#include <curses.h>

#include <fcntl.h>
#include <langinfo.h>
#include <unistd.h>

#include <algorithm>
#include <clocale>
#include <cstring>
#include <stdexcept>

namespace imchat::tui {
namespace {

// Messages are UTF-8 whatever the locale says: a C or POSIX locale (common over ssh and
// in containers) would show every non-ASCII character as a question mark. ncurses and
// wcwidth() follow LC_CTYPE, so that alone is made UTF-8; the rest stays the user's.
void use_utf8_characters() {
  std::setlocale(LC_CTYPE, "");
  if (std::strcmp(::nl_langinfo(CODESET), "UTF-8") != 0) std::setlocale(LC_CTYPE, "C.UTF-8");
}

std::wstring wide(std::u32string_view text) { return {text.begin(), text.end()}; }

void put(int row, int column, std::u32string_view text) {
  const auto w = wide(text);
  mvwaddnwstr(stdscr, row, column, w.c_str(), static_cast<int>(w.size()));
}

key control_key(wint_t c) {
  switch (c) {
    case 1: return {key::code::home};             // Ctrl-A
    case 2: return {key::code::left};             // Ctrl-B
    case 4: return {key::code::end_of_input};     // Ctrl-D
    case 5: return {key::code::end};              // Ctrl-E
    case 6: return {key::code::right};            // Ctrl-F
    case 8: return {key::code::backspace};        // Ctrl-H
    case 10: case 13: return {key::code::enter};  // a paste's newlines too
    case 11: return {key::code::kill_to_end};     // Ctrl-K
    case 12: return {key::code::redraw};          // Ctrl-L
    case 14: return {key::code::down};            // Ctrl-N
    case 16: return {key::code::up};              // Ctrl-P
    case 21: return {key::code::kill_to_start};   // Ctrl-U
    case 23: return {key::code::kill_word_before};  // Ctrl-W
    case 127: return {key::code::backspace};
    default: return {key::code::ignored};
  }
}

key function_key(wint_t c) {
  switch (c) {
    case KEY_LEFT: return {key::code::left};
    case KEY_RIGHT: return {key::code::right};
    case KEY_UP: return {key::code::up};
    case KEY_DOWN: return {key::code::down};
    case KEY_HOME: case KEY_FIND: return {key::code::home};
    case KEY_END: case KEY_SELECT: return {key::code::end};
    case KEY_BACKSPACE: return {key::code::backspace};
    case KEY_DC: return {key::code::delete_forward};
    case KEY_PPAGE: return {key::code::page_up};
    case KEY_NPAGE: return {key::code::page_down};
    case KEY_ENTER: return {key::code::enter};
    case KEY_RESIZE: return {key::code::resize};
    default: return {key::code::ignored};
  }
}

}  // namespace

terminal_screen::terminal_screen() {
  if (::isatty(STDIN_FILENO) != 1 || ::isatty(STDOUT_FILENO) != 1)
    throw std::runtime_error("standard input and output must be a terminal");
  use_utf8_characters();
  // newterm, not initscr: initscr exits the program when it cannot use the terminal.
  screen_ = newterm(nullptr, stdout, stdin);
  if (!screen_) {
    const char* term = std::getenv("TERM");
    throw std::runtime_error(std::string("this terminal cannot be used (TERM=") + (term ? term : "") +
                             ": not known to ncurses)");
  }
  cbreak();  // keys as they are typed; Ctrl-C and Ctrl-Z still signal
  noecho();
  nonl();
  keypad(stdscr, TRUE);
  set_escdelay(25);  // a lone Esc is not worth a second's wait
  saved_stderr_ = ::dup(STDERR_FILENO);
  if (const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC); null >= 0) {
    ::dup2(null, STDERR_FILENO);
    ::close(null);
  }
}

terminal_screen::~terminal_screen() {
  endwin();
  delscreen(screen_);  // what newterm allocated: a leak checker would rightly count it
  if (saved_stderr_ >= 0) {
    ::dup2(saved_stderr_, STDERR_FILENO);
    ::close(saved_stderr_);
  }
}

std::optional<key> terminal_screen::read_key(std::chrono::milliseconds wait) {
  wtimeout(stdscr, static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(wait.count(), 0, 60'000)));
  wint_t c = 0;
  switch (wget_wch(stdscr, &c)) {
    case KEY_CODE_YES: return function_key(c);
    case OK:
      if (c < 32 || c == 127) return control_key(c);
      if (c >= 0x80 && c < 0xA0) return key{key::code::ignored};  // C1 controls
      return key{key::code::character, static_cast<char32_t>(c)};
    default: return std::nullopt;
  }
}

void terminal_screen::draw(conversation& lines, std::u32string_view status, std::u32string_view prompt,
                           line_editor& input) {
  int height = 0, width = 0;
  getmaxyx(stdscr, height, width);
  werase(stdscr);
  const int text_rows = std::max(height - 2, 0);
  const auto rows = lines.rows(width, text_rows);
  const int top = text_rows - static_cast<int>(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) put(top + static_cast<int>(i), 0, rows[i]);
  if (height >= 2) {
    wattron(stdscr, A_REVERSE);
    mvwhline(stdscr, height - 2, 0, ' ', width);
    put(height - 2, 0, fit(status, width));
    wattroff(stdscr, A_REVERSE);
  }
  if (height >= 1) {
    const auto shown_prompt = fit(prompt, width / 2);
    const int left = cell_width(shown_prompt);
    put(height - 1, 0, shown_prompt);
    const auto window = input.view(width - left);
    put(height - 1, left, fit(std::u32string_view(input.text()).substr(window.first), width - left - 1));
    wmove(stdscr, height - 1, left + window.cursor_cell);
  }
  wnoutrefresh(stdscr);
  doupdate();
}

void terminal_screen::repaint_all() { clearok(curscr, TRUE); }

void terminal_screen::beep() { ::beep(); }

}  // namespace imchat::tui
