#include "tui/line_editor.hpp"

#include "tui/text_cells.hpp"

#include <algorithm>

namespace imchat::tui {
namespace {

std::size_t utf8_length(char32_t c) { return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }

bool is_space(char32_t c) { return c == U' ' || c == U'\t'; }

}  // namespace

line_editor::line_editor(std::size_t max_bytes, std::size_t history_size)
    : max_bytes_(max_bytes), history_size_(history_size) {}

std::size_t line_editor::bytes() const {
  std::size_t total = 0;
  for (const char32_t c : text_) total += utf8_length(c);
  return total;
}

bool line_editor::insert(char32_t code_point) {
  if (bytes() + utf8_length(code_point) > max_bytes_) return false;
  text_.insert(text_.begin() + static_cast<std::ptrdiff_t>(cursor_), code_point);
  ++cursor_;
  return true;
}

void line_editor::left() {
  if (cursor_ > 0) --cursor_;
}
void line_editor::right() {
  if (cursor_ < text_.size()) ++cursor_;
}
void line_editor::home() { cursor_ = 0; }
void line_editor::end() { cursor_ = text_.size(); }

void line_editor::backspace() {
  if (cursor_ == 0) return;
  text_.erase(--cursor_, 1);
}

void line_editor::delete_forward() {
  if (cursor_ < text_.size()) text_.erase(cursor_, 1);
}

void line_editor::kill_to_start() {
  text_.erase(0, cursor_);
  cursor_ = 0;
}

void line_editor::kill_to_end() { text_.erase(cursor_); }

// As readline's unix-word-rubout: the blanks before the cursor, then the word before them.
void line_editor::kill_word_before() {
  auto from = cursor_;
  while (from > 0 && is_space(text_[from - 1])) --from;
  while (from > 0 && !is_space(text_[from - 1])) --from;
  text_.erase(from, cursor_ - from);
  cursor_ = from;
}

void line_editor::replace(std::u32string text) {
  text_ = std::move(text);
  cursor_ = text_.size();
}

void line_editor::history_previous() {
  if (browsing_ == 0) return;
  if (browsing_ == history_.size()) draft_ = text_;
  replace(history_[--browsing_]);
}

void line_editor::history_next() {
  if (browsing_ >= history_.size()) return;
  if (++browsing_ == history_.size()) {
    replace(draft_.value_or(U""));
    draft_.reset();
  } else {
    replace(history_[browsing_]);
  }
}

std::string line_editor::take() {
  auto line = std::move(text_);
  text_.clear();
  cursor_ = 0;
  first_shown_ = 0;
  draft_.reset();
  if (!line.empty() && (history_.empty() || history_.back() != line)) {
    history_.push_back(line);
    if (history_.size() > history_size_) history_.pop_front();
  }
  browsing_ = history_.size();
  return encode_utf8(line);
}

line_editor::window line_editor::view(int width) {
  width = std::max(width, 2);
  const auto cells_between = [this](std::size_t from, std::size_t to) {
    return cell_width(std::u32string_view(text_).substr(from, to - from));
  };
  first_shown_ = std::min(first_shown_, cursor_);
  // The cursor needs its own cell after the text before it.
  if (cells_between(first_shown_, cursor_) >= width) {
    first_shown_ = cursor_;
    while (first_shown_ > 0 && cells_between(first_shown_ - 1, cursor_) < width / 2) --first_shown_;
  } else if (first_shown_ > 0 && cursor_ == first_shown_) {
    while (first_shown_ > 0 && cells_between(first_shown_ - 1, cursor_) < width / 2) --first_shown_;
  }
  return {first_shown_, cells_between(first_shown_, cursor_)};
}

}  // namespace imchat::tui
