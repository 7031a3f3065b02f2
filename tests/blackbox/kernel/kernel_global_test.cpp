// The kernel across processes, through a real `imchat server`: one process holds a global
// queue and a global exchange and relays the one into the other (the tutorial's room);
// other processes bind to them from outside (prompts and displays). Every message sent
// must reach every bound queue exactly once, each sender's in order; a global name can be
// held by one process at a time.

#include "blackbox/kernel/kernel_processes.hpp"

#include "support/child_process.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::directory_server_process;
using imchat::test::exit_status;
using imchat::test::read_lines_until;
using imchat::test::start_kernel_peer;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

bool is_probe(const std::string& line) { return line.starts_with("probe "); }

std::size_t count_not_probes(const std::vector<std::string>& lines) {
  return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [](const auto& line) { return !is_probe(line); }));
}

// The lines of one sender ("TAG 1", "TAG 2", ...), in the order received.
std::vector<std::string> lines_tagged(const std::vector<std::string>& lines, const std::string& tag) {
  std::vector<std::string> chosen;
  std::copy_if(lines.begin(), lines.end(), std::back_inserter(chosen),
               [&](const auto& line) { return line.starts_with(tag + " "); });
  return chosen;
}

std::vector<std::string> numbered(const std::string& tag, int count) {
  std::vector<std::string> lines;
  for (int i = 1; i <= count; ++i) lines.push_back(tag + " " + std::to_string(i));
  return lines;
}

child_process start_host(const std::string& directory, const std::string& queue, const std::string& exchange) {
  return start_kernel_peer(directory, {"host", queue, exchange});
}

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("kernel: two publishers and two subscribers around one relay get every message once in order") {
  directory_server_process directory;
  auto host = start_host(directory.address(), "Q_relay", "E_relay");
  REQUIRE_MESSAGE(host.wait_for_stdout("ready "), host.stderr_text());

  std::vector<child_process> subscribers;
  for (int i = 0; i < 2; ++i) subscribers.push_back(start_kernel_peer(directory.address(), {"subscribe", "E_relay"}));

  // A subscription only gets what is sent once it is attached, and nothing announces that:
  // probes go round until both subscribers have printed one.
  auto prober = start_kernel_peer(directory.address(), {"publish", "Q_relay", "300", "probe", "50"});
  for (auto& subscriber : subscribers) {
    INFO(subscriber.stderr_text());
    REQUIRE(subscriber.wait_for_stdout("probe ", 20s));
  }
  prober.send_signal(SIGTERM);
  CHECK(prober.wait_exit() == exit_status::exited(0));

  constexpr int count = 1000;
  auto alpha = start_kernel_peer(directory.address(), {"publish", "Q_relay", std::to_string(count), "alpha"});
  auto beta = start_kernel_peer(directory.address(), {"publish", "Q_relay", std::to_string(count), "beta"});
  for (auto* publisher : {&alpha, &beta}) {
    INFO(publisher->stderr_text());
    CHECK(publisher->wait_exit(30s) == exit_status::exited(0));
  }

  for (auto& subscriber : subscribers) {
    auto lines = read_lines_until(
        subscriber, [&](const auto& so_far) { return count_not_probes(so_far) >= 2 * count; }, 30s);
    // Whatever else arrives shortly after would be a duplicate.
    const auto extra = read_lines_until(subscriber, [](const auto&) { return false; }, 300ms);
    lines.insert(lines.end(), extra.begin(), extra.end());
    INFO(subscriber.stderr_text());

    CHECK(count_not_probes(lines) == 2 * count);
    CHECK(lines_tagged(lines, "alpha") == numbered("alpha", count));
    CHECK(lines_tagged(lines, "beta") == numbered("beta", count));
    CHECK(std::find(lines.begin(), lines.end(), "<gap>") == lines.end());
  }

  for (auto* process : {&host, &subscribers[0], &subscribers[1]}) {
    process->send_signal(SIGTERM);
    INFO(process->stderr_text());
    CHECK(process->wait_exit() == exit_status::exited(0));
  }
}

TEST_CASE("kernel: a global name held by another process is refused with name_in_use") {
  directory_server_process directory;
  auto holder = start_host(directory.address(), "Q_taken", "E_taken");
  REQUIRE_MESSAGE(holder.wait_for_stdout("ready "), holder.stderr_text());

  SUBCASE("the queue's name") {
    auto second = start_host(directory.address(), "Q_taken", "E_free");
    const auto status = second.wait_exit(20s);
    INFO(second.stderr_text());
    CHECK(status == exit_status::exited(1));
    CHECK(contains(second.stderr_text(), "name_in_use"));
    CHECK(contains(second.stderr_text(), "Q_taken"));
    CHECK(second.stdout_text().empty());
  }
  SUBCASE("the exchange's name") {
    auto second = start_host(directory.address(), "Q_free", "E_taken");
    const auto status = second.wait_exit(20s);
    INFO(second.stderr_text());
    CHECK(status == exit_status::exited(1));
    CHECK(contains(second.stderr_text(), "name_in_use"));
    CHECK(contains(second.stderr_text(), "E_taken"));
  }

  // Once the holder has ended, the names are free for the next one.
  holder.send_signal(SIGTERM);
  CHECK(holder.wait_exit() == exit_status::exited(0));
  auto successor = start_host(directory.address(), "Q_taken", "E_taken");
  INFO(successor.stderr_text());
  CHECK(successor.wait_for_stdout("ready ", 20s));
}

}  // TEST_SUITE
