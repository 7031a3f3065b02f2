// The sd_notify protocol spoken to a real datagram socket, as systemd would listen.

#include "util/systemd_notify.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

// A datagram socket bound where $NOTIFY_SOCKET points, for the length of a test.
class notify_listener {
 public:
  explicit notify_listener(const std::string& name) : name_(name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.data(), name.size());
    if (address.sun_path[0] == '@') address.sun_path[0] = '\0';
    if (name[0] == '/') ::unlink(name.c_str());
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), length) == 0);
    ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  }
  ~notify_listener() {
    ::unsetenv("NOTIFY_SOCKET");
    ::close(fd_);
    if (name_[0] == '/') ::unlink(name_.c_str());
  }

  std::string receive() {
    pollfd ready{.fd = fd_, .events = POLLIN, .revents = 0};
    if (::poll(&ready, 1, 2000) != 1) return "(nothing)";
    char buffer[512];
    const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    return n < 0 ? "(error)" : std::string(buffer, static_cast<std::size_t>(n));
  }

 private:
  std::string name_;
  int fd_ = -1;
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
    notify_listener listener("/tmp/imchat-notify-test-" + std::to_string(::getpid()));
    const imchat::systemd_notifier notifier;
    REQUIRE(notifier.enabled());
    CHECK(notifier.notify("READY=1"));
    CHECK(listener.receive() == "READY=1");
    CHECK(notifier.notify("STATUS=3 connections"));
    CHECK(listener.receive() == "STATUS=3 connections");
  }

  TEST_CASE("states reach a socket in the abstract namespace") {
    notify_listener listener("@imchat-notify-test-" + std::to_string(::getpid()));
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
