// Self-tests of the black-box test support library (tests/support/), against ordinary
// programs (/bin/sh, cat, sleep) and sockets the test makes itself, so that a failing
// imchat test can be trusted to be about imchat.

#include "support/child_process.hpp"
#include "support/eventually.hpp"
#include "support/loopback_listener.hpp"
#include "support/raw_tcp_client.hpp"
#include "support/run_program.hpp"
#include "support/tcp_ports.hpp"
#include "support/unique_fd.hpp"

#include <doctest/doctest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::exit_status;
using imchat::test::loopback_listener;
using imchat::test::raw_tcp_client;
using imchat::test::unique_fd;

namespace {

child_process shell(const std::string& script, child_process::environment extra_env = {}) {
  return child_process({"/bin/sh", "-c", script}, std::move(extra_env));
}

std::chrono::milliseconds elapsed_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

// True when `pid` no longer runs: no such process, or a zombie nobody has reaped yet.
bool process_is_gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  const auto state = line.find(") ");  // the state follows the parenthesised command name
  return state == std::string::npos || line.at(state + 2) == 'Z' || line.at(state + 2) == 'X';
}

bool becomes_gone(pid_t pid, std::chrono::milliseconds timeout) {
  return imchat::test::eventually([pid] { return process_is_gone(pid); }, timeout);
}

// What a process has open: its descriptors and their targets ("pipe:[1234]").
std::map<int, std::string> open_files_of(pid_t pid) {
  std::map<int, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    std::error_code error;  // the directory's own descriptor may be gone by now
    const auto target = std::filesystem::read_symlink(entry.path(), error);
    if (!error) files[std::stoi(entry.path().filename().string())] = target.string();
  }
  return files;
}

void send_all(const unique_fd& socket, std::string_view bytes) {
  REQUIRE(::send(socket.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
}

std::string receive_some_on(const unique_fd& socket) {
  std::array<char, 4096> buffer;
  const ssize_t count = ::recv(socket.get(), buffer.data(), buffer.size(), 0);
  REQUIRE(count >= 0);
  return {buffer.data(), static_cast<std::size_t>(count)};
}

constexpr std::string_view grandchild_marker = "grandchild pid: ";

}  // namespace

TEST_SUITE("support: child_process") {

TEST_CASE("reads the lines a child writes to stdout then end of file") {
  auto child = shell("echo one; echo; echo three");
  CHECK(child.read_stdout_line() == "one");
  CHECK(child.read_stdout_line() == "");
  CHECK(child.read_stdout_line() == "three");
  CHECK(child.read_stdout_line() == std::nullopt);
  CHECK(child.wait_exit() == exit_status::exited(0));
  CHECK(child.stdout_text() == "one\n\nthree\n");
}

TEST_CASE("returns an unterminated last line at end of file") {
  auto child = shell("printf 'first\\nlast'");
  CHECK(child.read_stdout_line() == "first");
  CHECK(child.read_stdout_line() == "last");
  CHECK(child.read_stdout_line() == std::nullopt);
}

TEST_CASE("feeds stdin to the child which sees end of file once stdin is closed") {
  child_process cat({"cat"});
  CHECK(cat.write_stdin("hello\n"));
  CHECK(cat.read_stdout_line() == "hello");
  CHECK(cat.write_stdin("part"));
  CHECK(cat.write_stdin("s\n"));
  CHECK(cat.read_stdout_line() == "parts");
  cat.close_stdin();
  CHECK(cat.wait_exit() == exit_status::exited(0));
  CHECK_FALSE(cat.write_stdin("too late"));
}

TEST_CASE("keeps stdout and stderr apart") {
  auto child = shell("echo to-out; echo to-err >&2");
  CHECK(child.read_stderr_line() == "to-err");
  CHECK(child.read_stdout_line() == "to-out");
  CHECK(child.read_stderr_line() == std::nullopt);
  CHECK(child.stderr_text() == "to-err\n");
  CHECK(child.stdout_text() == "to-out\n");
}

TEST_CASE("wait_for_stderr finds text written in pieces and gives up when stderr ends") {
  auto child = shell("printf 'server lis' >&2; sleep 0.2; printf 'tening\\n' >&2; sleep 0.2");
  CHECK(child.wait_for_stderr("listening"));
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(child.wait_for_stderr("never written", 5s));
  CHECK(elapsed_since(start) < 4s);  // it returned at end of file, not at the timeout
  CHECK(child.stderr_text() == "server listening\n");
}

TEST_CASE("reads and waits time out on a silent child") {
  child_process cat({"cat"});
  const auto start = std::chrono::steady_clock::now();
  CHECK(cat.read_stdout_line(100ms) == std::nullopt);
  CHECK(cat.read_stderr_line(100ms) == std::nullopt);
  CHECK_FALSE(cat.wait_for_stdout("anything", 100ms));
  CHECK(cat.wait_exit(100ms) == std::nullopt);
  CHECK(elapsed_since(start) >= 400ms);
  CHECK(cat.wait_exit(0ms) == std::nullopt);
}

TEST_CASE("reports the exit code") {
  for (const int code : {0, 1, 2, 3, 255}) {
    CAPTURE(code);
    auto child = shell("exit " + std::to_string(code));
    const auto status = child.wait_exit();
    CHECK(status == exit_status::exited(code));
    CHECK(child.wait_exit(0ms) == status);  // the same status again, at once
    CHECK_FALSE(child.send_signal(SIGTERM));
  }
}

TEST_CASE("reports death by a signal") {
  SUBCASE("sent by the test") {
    child_process sleeper({"sleep", "30"});
    CHECK(sleeper.send_signal(SIGTERM));
    CHECK(sleeper.wait_exit() == exit_status::killed_by(SIGTERM));
  }
  SUBCASE("raised by the child") {
    auto child = shell("kill -ABRT $$");
    const auto status = child.wait_exit();
    CHECK(status == exit_status::killed_by(SIGABRT));
    REQUIRE(status);
    CHECK(to_string(*status).starts_with("killed by signal " + std::to_string(SIGABRT)));
  }
}

TEST_CASE("starts the child with default signal dispositions even if the test ignores SIGINT") {
  const auto previous = std::signal(SIGINT, SIG_IGN);
  child_process sleeper({"sleep", "30"});
  std::signal(SIGINT, previous);
  CHECK(sleeper.send_signal(SIGINT));
  CHECK(sleeper.wait_exit() == exit_status::killed_by(SIGINT));
}

TEST_CASE("adds and overrides environment variables and finds programs in PATH") {
  child_process child({"sh", "-c", "echo \"$IMCHAT_SUPPORT_TEST_VARIABLE|$HOME\""},
                      {{"IMCHAT_SUPPORT_TEST_VARIABLE", "added"}, {"HOME", "/overridden"}});
  CHECK(child.read_stdout_line() == "added|/overridden");
  CHECK(child.wait_exit() == exit_status::exited(0));
}

TEST_CASE("throws when the program cannot be started") {
  CHECK_THROWS_AS(child_process({"/nonexistent/program"}), std::system_error);
  CHECK_THROWS_AS(child_process({"imchat-no-such-program-in-path"}), std::system_error);
  CHECK_THROWS_AS(child_process({}), std::invalid_argument);
}

TEST_CASE("does not deadlock when the child floods stderr while the test reads stdout") {
  auto child = shell("yes error-line | head -n 300000 >&2; echo done");
  CHECK(child.read_stdout_line() == "done");
  CHECK(child.wait_exit() == exit_status::exited(0));
  CHECK(child.stderr_text().size() == 300000 * std::string("error-line\n").size());
}

TEST_CASE("does not deadlock when the child floods stdout while the test waits on stderr") {
  auto child = shell("yes output-line | head -n 300000; echo done >&2");
  CHECK(child.wait_for_stderr("done"));
  CHECK(child.wait_exit() == exit_status::exited(0));
  CHECK(child.stdout_text().size() == 300000 * std::string("output-line\n").size());
}

TEST_CASE("wait_exit reads both pipes so a child writing megabytes to each can finish") {
  auto child = shell("head -c 2000000 /dev/zero; head -c 3000000 /dev/zero >&2");
  CHECK(child.wait_exit() == exit_status::exited(0));
  CHECK(child.stdout_text().size() == 2000000);
  CHECK(child.stderr_text().size() == 3000000);
}

TEST_CASE("write_stdin reads the output so a child echoing a large input can go on") {
  child_process cat({"cat"});
  std::string input;
  for (int line = 0; input.size() < 4'000'000; ++line) input += "line " + std::to_string(line) + "\n";
  CHECK(cat.write_stdin(input));
  cat.close_stdin();
  CHECK(cat.wait_exit() == exit_status::exited(0));
  CHECK(cat.stdout_text() == input);
}

TEST_CASE("write_stdin fails without killing the test once the child is gone") {
  auto child = shell("exit 0");
  CHECK(child.wait_exit() == exit_status::exited(0));
  CHECK_FALSE(child.write_stdin("nobody reads this\n"));
}

TEST_CASE("a child inherits no descriptors but its stdin stdout and stderr") {
  child_process first({"cat"});
  child_process second({"cat"});
  // A round trip each: past start-up, when the dynamic loader briefly opens libraries.
  for (child_process* cat : {&first, &second}) {
    REQUIRE(cat->write_stdin("ping\n"));
    REQUIRE(cat->read_stdout_line() == "ping");
  }
  const auto first_files = open_files_of(first.pid());
  const auto second_files = open_files_of(second.pid());
  CHECK(first_files.size() == 3);
  REQUIRE(second_files.size() == 3);  // not the first child's pipes, nor the test runner's files
  for (const int fd : {0, 1, 2}) {
    CAPTURE(fd);
    CHECK(second_files.at(fd).starts_with("pipe:"));
    CHECK(second_files.at(fd) != first_files.at(fd));
  }
  // What that buys: closing the first child's stdin gives it end of file.
  first.close_stdin();
  CHECK(first.wait_exit(5s) == exit_status::exited(0));
}

TEST_CASE("can be moved into a vector or out of a helper") {
  std::vector<child_process> children;
  for (int i = 0; i < 3; ++i) children.push_back(shell("echo child " + std::to_string(i)));
  for (int i = 0; i < 3; ++i) CHECK(children[i].read_stdout_line() == "child " + std::to_string(i));
}

TEST_CASE("the destructor kills and reaps a child still running") {
  pid_t pid = 0;
  {
    child_process sleeper({"sleep", "30"});
    pid = sleeper.pid();
    REQUIRE_FALSE(process_is_gone(pid));
  }
  CHECK(::kill(pid, 0) == -1);
  CHECK(errno == ESRCH);  // not even a zombie: it was reaped
}

// Not a test of its own (skipped, so not listed for ctest): the middle process of the
// next test. Started with --no-skip, it starts a grandchild, reports its pid and waits
// to be killed.
TEST_CASE("support helper: start a grandchild and wait" * doctest::skip()) {
  child_process grandchild({"sleep", "60"});
  std::cout << grandchild_marker << grandchild.pid() << std::endl;
  std::this_thread::sleep_for(60s);
}

TEST_CASE("a child dies when the test process that started it is killed") {
  const auto test_binary = std::filesystem::read_symlink("/proc/self/exe").string();
  child_process helper({test_binary, "--no-skip", "--test-case=support helper: start a grandchild and wait"});
  pid_t grandchild = 0;
  while (auto line = helper.read_stdout_line()) {
    if (line->starts_with(grandchild_marker)) {
      grandchild = std::stoi(line->substr(grandchild_marker.size()));
      break;
    }
  }
  INFO("helper stdout:\n" << helper.stdout_text() << "helper stderr:\n" << helper.stderr_text());
  REQUIRE(grandchild > 0);
  REQUIRE_FALSE(process_is_gone(grandchild));
  helper.send_signal(SIGKILL);  // no destructors run in the helper: only PDEATHSIG helps
  CHECK(helper.wait_exit() == exit_status::killed_by(SIGKILL));
  CHECK(becomes_gone(grandchild, 5s));
}

}  // TEST_SUITE

TEST_SUITE("support: run_program") {

TEST_CASE("collects the exit status and both outputs with stdin at end of file") {
  const auto result = imchat::test::run_program({"/bin/sh", "-c", "cat; echo out; echo err >&2; exit 4"});
  CHECK(result.status == exit_status::exited(4));
  CHECK(result.stdout_text == "out\n");
  CHECK(result.stderr_text == "err\n");
}

TEST_CASE("throws when the program does not finish in time") {
  CHECK_THROWS_AS(imchat::test::run_program({"sleep", "30"}, {}, 200ms), std::runtime_error);
}

}  // TEST_SUITE

TEST_SUITE("support: tcp") {

TEST_CASE("free_tcp_port gives a port nothing listens on") {
  const auto port = imchat::test::free_tcp_port();
  CHECK(port != 0);
  CHECK_FALSE(raw_tcp_client::try_connect(port, 1s).has_value());
  CHECK_THROWS_AS(raw_tcp_client(port, 1s), std::system_error);
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(imchat::test::wait_for_tcp_port(port, 200ms));
  CHECK(elapsed_since(start) >= 200ms);
}

TEST_CASE("wait_for_tcp_port returns once something listens on the port") {
  std::optional<loopback_listener> listener;
  std::uint16_t port = 0;
  SUBCASE("already") {
    listener.emplace();
    port = listener->port();
    CHECK(imchat::test::wait_for_tcp_port(port, 1s));
  }
  SUBCASE("soon") {
    port = imchat::test::free_tcp_port();
    auto server = shell("exec python3 -c 'import socket,time; time.sleep(0.3); s=socket.socket(); "
                        "s.bind((\"127.0.0.1\"," + std::to_string(port) + ")); s.listen(); "
                        "print(\"up\", flush=True); time.sleep(30)'");
    CHECK(imchat::test::wait_for_tcp_port(port));
    CHECK(server.read_stdout_line() == "up");
  }
}

TEST_CASE("raw_tcp_client sends and receives bytes exactly including NULs") {
  loopback_listener listener;
  raw_tcp_client client(listener.port());
  const unique_fd server = listener.accept();

  const std::string binary("IMCHAT\x01\x00\xff", 9);
  CHECK(client.send_bytes(binary));
  std::string at_server;
  while (at_server.size() < binary.size()) at_server += receive_some_on(server);
  CHECK(at_server == binary);

  send_all(server, std::string("hello\0world", 11));
  CHECK(client.receive_exactly(6) == std::string("hello\0", 6));
  CHECK(client.receive_some() == "world");
}

TEST_CASE("receive_exactly waits for bytes that arrive in pieces") {
  loopback_listener listener;
  raw_tcp_client client(listener.port());
  const unique_fd server = listener.accept();
  std::thread sender([&server] {
    for (const char* piece : {"ab", "cd", "ef"}) {
      std::this_thread::sleep_for(50ms);
      ::send(server.get(), piece, 2, MSG_NOSIGNAL);
    }
  });
  CHECK(client.receive_exactly(5) == "abcde");
  CHECK(client.receive_exactly(1) == "f");
  sender.join();
}

TEST_CASE("raw_tcp_client times out when nothing comes") {
  loopback_listener listener;
  raw_tcp_client client(listener.port());
  const unique_fd server = listener.accept();
  send_all(server, "abc");
  CHECK(client.receive_exactly(4, 200ms) == std::nullopt);  // takes nothing...
  CHECK(client.receive_some(200ms) == "abc");               // ...so the bytes are still there
  CHECK(client.receive_some(100ms) == "");
  CHECK_FALSE(client.wait_closed(100ms));
}

TEST_CASE("wait_closed sees the server close and keeps what it sent before") {
  loopback_listener listener;
  raw_tcp_client client(listener.port());
  {
    const unique_fd server = listener.accept();
    send_all(server, "goodbye");
  }
  CHECK(client.wait_closed());
  CHECK(client.receive_some() == "goodbye");
  const auto start = std::chrono::steady_clock::now();
  CHECK(client.receive_some() == "");
  CHECK(client.receive_exactly(1) == std::nullopt);
  CHECK(elapsed_since(start) < 1s);  // a closed connection does not make them wait
}

TEST_CASE("wait_closed sees a connection reset") {
  loopback_listener listener;
  raw_tcp_client client(listener.port());
  {
    const unique_fd server = listener.accept();
    const linger reset_on_close{1, 0};
    REQUIRE(::setsockopt(server.get(), SOL_SOCKET, SO_LINGER, &reset_on_close, sizeof reset_on_close) == 0);
  }
  CHECK(client.wait_closed());
}

TEST_CASE("send_bytes reports a server that has gone") {
  loopback_listener listener;
  raw_tcp_client client(listener.port());
  listener.accept();  // and closed at once
  REQUIRE(client.wait_closed());
  // The first write after the close draws a reset from the server; a later one fails.
  bool failed = false;
  for (int attempt = 0; attempt < 50 && !failed; ++attempt) {
    failed = !client.send_bytes("are you there?");
    std::this_thread::sleep_for(10ms);
  }
  CHECK(failed);
}

TEST_CASE("send_bytes times out when the server does not read") {
  loopback_listener listener;
  raw_tcp_client client(listener.port());
  const unique_fd server = listener.accept();
  CHECK_FALSE(client.send_bytes(std::string(64 * 1024 * 1024, 'x'), 300ms));
}

TEST_CASE("shutdown_sending gives the server end of file and keeps receiving") {
  loopback_listener listener;
  raw_tcp_client client(listener.port());
  const unique_fd server = listener.accept();
  CHECK(client.send_bytes("last words"));
  client.shutdown_sending();
  std::string at_server;
  for (std::string piece; !(piece = receive_some_on(server)).empty();) at_server += piece;
  CHECK(at_server == "last words");  // and then end of file
  send_all(server, "reply");
  CHECK(client.receive_some() == "reply");
}

}  // TEST_SUITE
