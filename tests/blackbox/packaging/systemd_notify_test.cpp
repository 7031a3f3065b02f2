// Type=notify as systemd runs the daemons: READY=1 only once they serve, STATUS= lines,
// WATCHDOG=1 pings when asked for, STOPPING=1 on the way out. A datagram socket in the
// test plays the service manager. A daemon is stopped (SIGSTOP) the moment its READY=1
// arrives, so what the test finds then is what was true when it said it: one that said it
// before listening fails.

#include "directory/locator.hpp"
#include "net/endpoint.hpp"
#include "support/child_process.hpp"
#include "support/notify_listener.hpp"
#include "support/raw_tcp_client.hpp"
#include "support/tcp_ports.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include "support/regex.hpp"
#include "support/imchat_binary.hpp"
#include <unistd.h>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::exit_status;

namespace {

std::string notify_socket_name(const char* what) {
  return "@imchat-test-" + std::string(what) + "-" + std::to_string(::getpid());
}

// The room's queue and exchange, as the directory at `directory` has them, each accept a
// TCP connection at its first advertised endpoint (one attempt each).
void check_both_objects_accept(const std::string& directory, const std::string& room) {
  imchat::directory::locator locator(directory);
  for (const auto& name : {"Q_" + room, "E_" + room}) {
    CAPTURE(name);
    const auto record = locator.lookup(name, 5s);
    REQUIRE(record);
    REQUIRE_FALSE(record->endpoints.empty());
    imchat::net::host_and_port object;
    std::string why;
    REQUIRE_FALSE(imchat::net::parse_endpoint(record->endpoints.front(), object, why));
    CHECK(imchat::test::raw_tcp_client::try_connect(object.port, 1s));
  }
}

}  // namespace

TEST_SUITE("systemd") {
  TEST_CASE("a room says READY=1 only once its queue and exchange accept connections") {
    // A directory of its own (not embedded), which goes on answering while the room is
    // frozen: stopped the moment READY=1 arrives, the room cannot start listening late.
    const auto port = imchat::test::free_tcp_port();
    const auto directory = "127.0.0.1:" + std::to_string(port);
    child_process server({IMCHAT_BINARY, "server", std::to_string(port), "--listen", "127.0.0.1"});
    REQUIRE(imchat::test::wait_for_tcp_port(port, 20s));
    imchat::test::notify_listener manager(notify_socket_name("room-ready"));
    child_process room({IMCHAT_BINARY, "room", "cheese", "--directory", directory},
                       {{"NOTIFY_SOCKET", manager.name()}, {"WATCHDOG_USEC", "400000"}});

    const auto ready = manager.receive_containing("READY=1", 20s);
    REQUIRE(room.send_signal(SIGSTOP));
    INFO(room.stderr_text());
    REQUIRE(ready);
    CHECK(ready->find("STATUS=open") != std::string::npos);

    // Frozen at READY=1, the room is registered and both objects accept: the kernel
    // completes connections to a listening socket while its process is stopped.
    check_both_objects_accept(directory, "cheese");

    REQUIRE(room.send_signal(SIGCONT));
    CHECK(manager.receive_containing("WATCHDOG=1", 5s));
    room.send_signal(SIGTERM);
    CHECK(manager.receive_containing("STOPPING=1", 10s));
    CHECK(room.wait_exit(20s) == exit_status::exited(0));
    server.send_signal(SIGTERM);
    CHECK(server.wait_exit(20s) == exit_status::exited(0));
  }

  TEST_CASE("the directory server says READY=1 once it listens and pings its watchdog") {
    imchat::test::notify_listener manager(notify_socket_name("server-ready"));
    const auto port = imchat::test::free_tcp_port();
    child_process server({IMCHAT_BINARY, "server", std::to_string(port), "--listen", "127.0.0.1"},
                         {{"NOTIFY_SOCKET", manager.name()}, {"WATCHDOG_USEC", "400000"}});
    const auto ready = manager.receive_containing("READY=1", 20s);
    // Frozen the moment READY=1 arrives: a server that had not listened yet cannot now.
    REQUIRE(server.send_signal(SIGSTOP));
    INFO(server.stderr_text());
    REQUIRE(ready);
    CHECK(imchat::test::raw_tcp_client::try_connect(port, 1s));
    REQUIRE(server.send_signal(SIGCONT));
    CHECK(manager.receive_containing("WATCHDOG=1", 5s));
    CHECK(manager.receive_containing("STATUS=serving", 5s));
    server.send_signal(SIGTERM);
    CHECK(manager.receive_containing("STOPPING=1", 10s));
    CHECK(server.wait_exit(20s) == exit_status::exited(0));
  }

  TEST_CASE("under the journal log lines carry priorities and no timestamps") {
    // JOURNAL_STREAM names stderr's device and inode; the test's pipe to the child is
    // what the child's stderr is, so compute it in a shell right before exec.
    const auto port = imchat::test::free_tcp_port();
    child_process server({"/bin/sh", "-c",
                          "JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) exec \"$0\" server \"$1\" --listen 127.0.0.1",
                          IMCHAT_BINARY, std::to_string(port)});
    REQUIRE(server.wait_for_stderr("<6>directory listening on 127.0.0.1:" + std::to_string(port), 20s));
    CHECK_FALSE(std::regex_search(server.stderr_text(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:)")));
    server.send_signal(SIGTERM);
    CHECK(server.wait_exit(20s) == exit_status::exited(0));
  }
}
