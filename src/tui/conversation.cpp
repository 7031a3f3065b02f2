#include "tui/conversation.hpp"

#include "tui/text_cells.hpp"

#include <algorithm>

namespace imchat::tui {

void conversation::add(std::string_view line) {
  lines_.push_back(decode_utf8(line));
  // Scrolled back, the view holds still: it is now further from the bottom.
  if (back_ > 0) back_ += wrap(lines_.back(), width_).size();
  if (lines_.size() > max_lines_) {
    lines_.pop_front();
    if (back_ > 0) clamp();
  }
}

std::size_t conversation::total_rows(int width) const {
  std::size_t rows = 0;
  for (const auto& line : lines_) rows += wrap(line, width).size();
  return rows;
}

void conversation::clamp() {
  // Never further back than the top of the oldest line kept, less a page.
  const auto total = total_rows(width_);
  const auto page = static_cast<std::size_t>(std::max(height_, 1));
  back_ = std::min(back_, total > page ? total - page : 0);
}

std::vector<std::u32string> conversation::rows(int width, int height) {
  if (width != width_ || height != height_) {
    width_ = std::max(width, 1);
    height_ = std::max(height, 0);
    clamp();
  }
  // From the newest line up, until the rows skipped and the rows shown are all there.
  const auto wanted = back_ + static_cast<std::size_t>(height_);
  std::vector<std::u32string> upward;  // bottom to top
  for (auto line = lines_.rbegin(); line != lines_.rend() && upward.size() < wanted; ++line) {
    auto wrapped = wrap(*line, width_);
    for (auto row = wrapped.rbegin(); row != wrapped.rend() && upward.size() < wanted; ++row)
      upward.push_back(std::move(*row));
  }
  std::vector<std::u32string> shown;
  for (auto i = upward.size(); i > back_; --i) shown.push_back(std::move(upward[i - 1]));
  return shown;
}

void conversation::page_up() {
  back_ += static_cast<std::size_t>(std::max(height_ - 1, 1));
  clamp();
}

void conversation::page_down() {
  const auto page = static_cast<std::size_t>(std::max(height_ - 1, 1));
  back_ = back_ > page ? back_ - page : 0;
}

}  // namespace imchat::tui
