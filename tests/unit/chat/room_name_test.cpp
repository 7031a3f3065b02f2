// Which names can name a room.

#include "chat/room_name.hpp"

#include <doctest/doctest.h>

using imchat::chat::room_name_problem;

TEST_SUITE("chat") {
  TEST_CASE("room names with spaces and UTF-8 up to 200 bytes are good") {
    CHECK_FALSE(room_name_problem("cheese"));
    CHECK_FALSE(room_name_problem("international affairs"));
    CHECK_FALSE(room_name_problem("fromage à la crème"));
    CHECK_FALSE(room_name_problem(std::string(200, 'x')));
  }

  TEST_CASE("empty too long not UTF-8 and control characters are refused with a reason") {
    CHECK(room_name_problem("").value().find("empty") != std::string::npos);
    CHECK(room_name_problem(std::string(201, 'x')).value().find("200") != std::string::npos);
    CHECK(room_name_problem("bad\xff").has_value());
    CHECK(room_name_problem("tab\there").has_value());
    CHECK(room_name_problem("esc\x1b[2J").has_value());
  }

  TEST_CASE("a room's global objects are Q_ and E_ before its whole name") {
    CHECK(imchat::chat::queue_name("international affairs") == "Q_international affairs");
    CHECK(imchat::chat::exchange_name(std::string(200, 'x')) == "E_" + std::string(200, 'x'));
  }
}
