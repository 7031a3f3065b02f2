// What a display says about its connection to the room, from the kernel's notices.

#include "chat/outage_report.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace std::chrono_literals;
using imchat::chat::back_line;
using imchat::chat::outage_report;

namespace {
const auto t0 = outage_report::clock::time_point{} + 1h;
const std::string problems(imchat::chat::problems_line);
}  // namespace

TEST_SUITE("chat") {
  TEST_CASE("outage_report: a blip shorter than the grace that lost nothing says nothing") {
    outage_report report(1s);
    report.disconnected(t0);
    CHECK_FALSE(report.tick(t0 + 999ms));
    CHECK(report.down());
    CHECK(report.reconnected().empty());
    CHECK_FALSE(report.down());
    CHECK_FALSE(report.tick(t0 + 10s));
  }

  TEST_CASE("outage_report: an outage past the grace prints the tutorial line once and then that nothing was lost") {
    outage_report report(1s);
    report.disconnected(t0);
    CHECK_FALSE(report.tick(t0 + 500ms));
    CHECK(report.tick(t0 + 1s) == problems);
    CHECK_FALSE(report.tick(t0 + 2s));
    CHECK_FALSE(report.tick(t0 + 60s));
    // More failed attempts are the same outage.
    report.disconnected(t0 + 61s);
    CHECK_FALSE(report.tick(t0 + 70s));
    CHECK(report.reconnected() == std::vector<std::string>{"Back in the chatroom: nothing was lost."});
  }

  TEST_CASE("outage_report: the back line counts exactly what was lost") {
    outage_report report(1s);
    report.disconnected(t0);
    REQUIRE(report.tick(t0 + 2s));
    report.gap(3);
    report.gap(4);
    CHECK(report.reconnected() == std::vector<std::string>{"Back in the chatroom: 7 messages were lost."});
  }

  TEST_CASE("outage_report: a short outage that lost messages is told in both lines") {
    outage_report report(1s);
    report.disconnected(t0);
    report.gap(1);
    CHECK(report.reconnected() == std::vector<std::string>{problems, "Back in the chatroom: 1 message was lost."});
  }

  TEST_CASE("outage_report: a restarted room cannot say how many were lost") {
    outage_report report(1s);
    report.disconnected(t0);
    report.gap(5);
    report.gap(0);
    const auto lines = report.reconnected();
    REQUIRE(lines.size() == 2);
    CHECK(lines[1] == "Back in the chatroom: it restarted, so messages sent meanwhile may be lost.");
  }

  TEST_CASE("outage_report: each outage starts afresh") {
    outage_report report(1s);
    report.disconnected(t0);
    REQUIRE(report.tick(t0 + 1s));
    report.gap(2);
    CHECK(report.reconnected().size() == 1);
    report.disconnected(t0 + 10s);
    CHECK_FALSE(report.tick(t0 + 10s + 999ms));
    CHECK(report.tick(t0 + 11s) == problems);
    CHECK(report.reconnected() == std::vector<std::string>{"Back in the chatroom: nothing was lost."});
  }

  TEST_CASE("back_line: singular and plural and the largest count") {
    CHECK(back_line(0, false) == "Back in the chatroom: nothing was lost.");
    CHECK(back_line(1, false) == "Back in the chatroom: 1 message was lost.");
    CHECK(back_line(2, false) == "Back in the chatroom: 2 messages were lost.");
    CHECK(back_line(std::numeric_limits<std::uint64_t>::max(), false) ==
          "Back in the chatroom: 18446744073709551615 messages were lost.");
  }
}
