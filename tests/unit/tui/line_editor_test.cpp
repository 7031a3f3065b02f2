// The chat client's input line: readline's editing keys on code points, the history, the
// byte limit and the horizontal view.

#include "tui/line_editor.hpp"
#include "tui/text_cells.hpp"

#include <doctest/doctest.h>

#include <clocale>
#include <string>

using imchat::tui::decode_utf8;
using imchat::tui::encode_utf8;
using imchat::tui::line_editor;

namespace {

void type(line_editor& editor, std::string_view utf8) {
  for (const char32_t c : decode_utf8(utf8)) REQUIRE(editor.insert(c));
}
std::string text(const line_editor& editor) { return encode_utf8(editor.text()); }

}  // namespace

TEST_SUITE("tui") {

TEST_CASE("the line editor moves the cursor by character and inserts where it is") {
  line_editor editor(100);
  type(editor, "helo");
  editor.left();
  type(editor, "l");
  CHECK(text(editor) == "hello");
  CHECK(editor.cursor() == 4);
  editor.home();
  type(editor, ">");
  editor.end();
  type(editor, "!");
  CHECK(text(editor) == ">hello!");
  editor.home();
  editor.left();  // nowhere further
  CHECK(editor.cursor() == 0);
  editor.end();
  editor.right();
  CHECK(editor.cursor() == 7);
}

TEST_CASE("backspace and delete take one character each - a wide or accented one too") {
  line_editor editor(100);
  type(editor, "añ日本x");
  editor.backspace();
  CHECK(text(editor) == "añ日本");
  editor.left();
  editor.left();
  editor.delete_forward();
  CHECK(text(editor) == "añ本");
  editor.backspace();
  CHECK(text(editor) == "a本");
  editor.home();
  editor.backspace();  // nothing before the cursor
  editor.end();
  editor.delete_forward();  // nothing under it
  CHECK(text(editor) == "a本");
}

TEST_CASE("Ctrl-U Ctrl-K and Ctrl-W kill as readline does") {
  line_editor editor(100);
  type(editor, "one two  three");
  editor.kill_word_before();  // the word before the cursor
  CHECK(text(editor) == "one two  ");
  editor.kill_word_before();  // the blanks, then the word before them
  CHECK(text(editor) == "one ");
  type(editor, "four five");
  for (int i = 0; i < 4; ++i) editor.left();
  editor.kill_to_end();
  CHECK(text(editor) == "one four ");
  editor.left();
  editor.kill_to_start();
  CHECK(text(editor) == " ");
  CHECK(editor.cursor() == 0);
}

TEST_CASE("Up and Down go through the lines entered before and back to the one being typed") {
  line_editor editor(100);
  type(editor, "first");
  CHECK(editor.take() == "first");
  type(editor, "second");
  CHECK(editor.take() == "second");
  type(editor, "second");
  CHECK(editor.take() == "second");  // the same line twice is remembered once
  CHECK(editor.take().empty());      // an empty line is not remembered
  type(editor, "draft");
  editor.history_previous();
  CHECK(text(editor) == "second");
  CHECK(editor.cursor() == 6);
  editor.history_previous();
  CHECK(text(editor) == "first");
  editor.history_previous();  // nothing older
  CHECK(text(editor) == "first");
  editor.history_next();
  CHECK(text(editor) == "second");
  editor.history_next();
  CHECK(text(editor) == "draft");
  editor.history_next();  // nothing newer
  CHECK(text(editor) == "draft");
}

TEST_CASE("the history keeps a bounded number of lines") {
  line_editor editor(100, 3);
  for (const auto* line : {"a", "b", "c", "d"}) {
    type(editor, line);
    editor.take();
  }
  for (int i = 0; i < 10; ++i) editor.history_previous();
  CHECK(text(editor) == "b");
}

TEST_CASE("the line holds at most the bytes the room can relay") {
  line_editor editor(5);
  type(editor, "abé");  // 4 bytes
  CHECK_FALSE(editor.insert(U'日'));  // 3 more would be 7
  CHECK(editor.insert(U'x'));
  CHECK_FALSE(editor.insert(U'y'));
  CHECK(text(editor) == "abéx");
}

TEST_CASE("the view scrolls a long line so that the cursor shows") {
  std::setlocale(LC_CTYPE, "C.UTF-8");
  line_editor editor(1000);
  type(editor, "0123456789abcdefghij");  // 20 cells
  auto view = editor.view(10);
  CHECK(view.first > 0);
  CHECK(view.cursor_cell < 10);
  CHECK(view.cursor_cell == imchat::tui::cell_width(std::u32string_view(editor.text()).substr(view.first)));
  editor.home();
  view = editor.view(10);
  CHECK(view.first == 0);
  CHECK(view.cursor_cell == 0);
  // Wide characters take two cells each.
  line_editor wide(1000);
  type(wide, "日本語");
  view = wide.view(20);
  CHECK(view.first == 0);
  CHECK(view.cursor_cell == 6);
}

}  // TEST_SUITE
