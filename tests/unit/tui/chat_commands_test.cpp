// What a line typed into the chat client means, and its status line.

#include "tui/chat_commands.hpp"
#include "tui/status_line.hpp"

#include <doctest/doctest.h>

using namespace imchat::tui;

TEST_SUITE("tui") {

TEST_CASE("typed lines are said - unless they are the client's own commands") {
  CHECK(interpret("hello").what == typed_line::kind::say);
  CHECK(interpret("hello").text == "hello");
  CHECK(interpret("").what == typed_line::kind::nothing);
  CHECK(interpret("/quit").what == typed_line::kind::quit);
  CHECK(interpret("/exit").what == typed_line::kind::quit);
  CHECK(interpret("/help me").what == typed_line::kind::help);
  const auto unknown = interpret("/nick bob");
  CHECK(unknown.what == typed_line::kind::unknown_command);
  CHECK(unknown.text == "/nick");
  const auto slash = interpret("//quit is a command");
  CHECK(slash.what == typed_line::kind::say);
  CHECK(slash.text == "/quit is a command");
  CHECK(interpret(" /quit").what == typed_line::kind::say);
  CHECK_FALSE(help_lines().empty());
}

TEST_CASE("the status line says where the room is and what is not acknowledged") {
  chat_status status;
  status.room = "cheese";
  status.directory = "127.0.0.1:5682";
  CHECK(status_text(status) == "cheese: waiting for the directory at 127.0.0.1:5682…");
  status.state = chat_status::link::waiting_for_room;
  CHECK(status_text(status) == "cheese: waiting for the room to start…");
  status.state = chat_status::link::connected;
  status.endpoints = {"10.0.0.2:5556"};
  CHECK(status_text(status) == "connected to cheese at 10.0.0.2:5556");
  status.unacknowledged = 1;
  CHECK(status_text(status) == "connected to cheese at 10.0.0.2:5556 · 1 line not acknowledged");
  status.state = chat_status::link::reconnecting;
  status.unacknowledged = 3;
  status.scrolled_back = true;
  CHECK(status_text(status) == "reconnecting to cheese… · 3 lines not acknowledged · scrolled back (PgDn: newer)");
  status.room = "evil\x1b[2J";
  status.scrolled_back = false;
  status.unacknowledged = 0;
  CHECK(status_text(status) == "reconnecting to evil\\x1b[2J…");
}

}  // TEST_SUITE
