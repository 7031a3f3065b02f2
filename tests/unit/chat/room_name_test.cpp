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

  TEST_CASE("a room's file name keeps plain names and escapes the rest - no two rooms share one") {
    using imchat::chat::file_name_for;
    CHECK(file_name_for("cheese") == "cheese");
    CHECK(file_name_for("room-2_b.v1") == "room-2_b.v1");
    CHECK(file_name_for("a/b") == "a%2Fb");
    CHECK(file_name_for("..") == "%2E.");
    CHECK(file_name_for(".hidden") == "%2Ehidden");
    CHECK(file_name_for("caf\xc3\xa9 au lait") == "caf%C3%A9%20au%20lait");
    CHECK(file_name_for("a%2Fb") == "a%252Fb");  // not the same as "a/b"
    // 200 bytes of UTF-8 escape to 600: cut, with a hash of the whole, so still unique.
    const std::string long_name = std::string(60, 'x') + std::string(70, '\xc3') ;
    const auto a = file_name_for(long_name + "\xa9");
    const auto b = file_name_for(long_name + "\xa8");
    CHECK(a.size() <= 200);
    CHECK(a != b);
    CHECK(a.substr(0, 60) == std::string(60, 'x'));
    CHECK(a[a.size() - 17] == '~');
    CHECK(a.find("%C3%C3") != std::string::npos);
    CHECK(file_name_for(long_name + "\xa9") == a);  // the same room, the same place
  }
}
