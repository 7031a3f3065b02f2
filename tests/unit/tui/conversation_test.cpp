// The chat client's conversation: the newest rows at the bottom, wrapped to the width,
// scrolled back by pages and held still while new lines arrive, and bounded.

#include "tui/conversation.hpp"
#include "tui/text_cells.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace imchat::tui;

namespace {

std::vector<std::string> utf8_rows(conversation& c, int width, int height) {
  std::vector<std::string> rows;
  for (const auto& row : c.rows(width, height)) rows.push_back(encode_utf8(row));
  return rows;
}

}  // namespace

TEST_SUITE("tui") {

TEST_CASE("the conversation shows its newest rows - wrapped - at the bottom") {
  conversation c;
  CHECK(utf8_rows(c, 10, 3).empty());
  c.add("one");
  c.add("a line of fifteen");
  CHECK(utf8_rows(c, 10, 5) == std::vector<std::string>{"one", "a line of ", "fifteen"});
  CHECK(utf8_rows(c, 10, 2) == std::vector<std::string>{"a line of ", "fifteen"});
  // A resize wraps again.
  CHECK(utf8_rows(c, 20, 2) == std::vector<std::string>{"one", "a line of fifteen"});
}

TEST_CASE("page up and down scroll by a page less a row and hold still as lines arrive") {
  conversation c;
  for (int i = 1; i <= 20; ++i) c.add("line " + std::to_string(i));
  CHECK(utf8_rows(c, 20, 5).back() == "line 20");
  c.page_up();  // 4 rows back
  CHECK(c.scrolled_back() == 4);
  CHECK(utf8_rows(c, 20, 5) == std::vector<std::string>{"line 12", "line 13", "line 14", "line 15", "line 16"});
  c.add("line 21");
  CHECK(utf8_rows(c, 20, 5).front() == "line 12");  // the view did not move
  for (int i = 0; i < 10; ++i) c.page_up();  // no further than the oldest line
  CHECK(utf8_rows(c, 20, 5).front() == "line 1");
  for (int i = 0; i < 10; ++i) c.page_down();
  CHECK(c.scrolled_back() == 0);
  CHECK(utf8_rows(c, 20, 5).back() == "line 21");
  c.page_up();
  c.scroll_to_bottom();
  CHECK(utf8_rows(c, 20, 5).back() == "line 21");
}

TEST_CASE("the conversation keeps a bounded number of lines") {
  conversation c(3);
  for (int i = 1; i <= 5; ++i) c.add(std::to_string(i));
  CHECK(c.size() == 3);
  CHECK(utf8_rows(c, 10, 10) == std::vector<std::string>{"3", "4", "5"});
}

}  // TEST_SUITE
