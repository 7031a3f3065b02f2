// The sd_notify protocol spoken to a real datagram socket, as systemd would listen.

#include "util/systemd_notify.hpp"

#include <doctest/doctest.h>

#include "support/notify_listener.hpp"

#include <cstdlib>
#include <string>
#include <unistd.h>

namespace {

// A listener that $NOTIFY_SOCKET names for the length of a test.
struct notify_environment {
  explicit notify_environment(const std::string& name) : listener(name) {
    ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  }
  ~notify_environment() { ::unsetenv("NOTIFY_SOCKET"); }
  std::string receive() { return listener.receive(std::chrono::seconds(2)).value_or("(nothing)"); }

  imchat::test::notify_listener listener;
};

}  // namespace

TEST_SUITE("systemd") {
  TEST_CASE("without NOTIFY_SOCKET nothing is sent") {
    ::unsetenv("NOTIFY_SOCKET");
    const imchat::systemd_notifier notifier;
    CHECK_FALSE(notifier.enabled());
    CHECK_FALSE(notifier.notify("READY=1"));
  }

  TEST_CASE("states reach a socket named by path") {
    notify_environment listener("/tmp/imchat-notify-test-" + std::to_string(::getpid()));
    const imchat::systemd_notifier notifier;
    REQUIRE(notifier.enabled());
    CHECK(notifier.notify("READY=1"));
    CHECK(listener.receive() == "READY=1");
    CHECK(notifier.notify("STATUS=3 connections"));
    CHECK(listener.receive() == "STATUS=3 connections");
  }

  TEST_CASE("states reach a socket in the abstract namespace") {
    notify_environment listener("@imchat-notify-test-" + std::to_string(::getpid()));
    const imchat::systemd_notifier notifier;
    CHECK(notifier.notify("STOPPING=1"));
    CHECK(listener.receive() == "STOPPING=1");
  }

  TEST_CASE("the watchdog interval is half of WATCHDOG_USEC and only for our pid") {
    ::setenv("WATCHDOG_USEC", "4000000", 1);
    ::unsetenv("WATCHDOG_PID");
    CHECK(imchat::systemd_notifier().watchdog_interval() == std::chrono::microseconds(2000000));
    ::setenv("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str(), 1);
    CHECK_FALSE(imchat::systemd_notifier().watchdog_interval());
    ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
    CHECK(imchat::systemd_notifier().watchdog_interval() == std::chrono::microseconds(2000000));
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
    CHECK_FALSE(imchat::systemd_notifier().watchdog_interval());
  }
}
