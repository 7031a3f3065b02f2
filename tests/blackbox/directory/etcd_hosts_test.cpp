// The directory on etcd across hosts, as a site would run it: three directory hosts each
// with an etcd member, the room on a fourth, prompts and displays on a fifth, a sixth
// for a room that replaces the first; each host a network namespace of this machine on
// one LAN (support/test_lan.hpp). Needs root and `ip netns`; where that is impossible the
// test reports itself skipped, and in CI, where we are root, a skip fails.

#include "support/child_process.hpp"
#include "support/deadline.hpp"
#include "support/etcd_cluster.hpp"
#include "support/eventually.hpp"
#include "support/imchat_binary.hpp"
#include "support/run_program.hpp"
#include "support/skip.hpp"
#include "support/test_lan.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::etcd_cluster;
using imchat::test::eventually;
using imchat::test::exit_status;
using imchat::test::test_lan;

namespace {

constexpr auto patience = 20s;

struct site {
  test_lan lan{{"etcd1", "etcd2", "etcd3", "room", "users", "room2"}};
  etcd_cluster cluster{{.members = 3, .hosts = {&lan.at("etcd1"), &lan.at("etcd2"), &lan.at("etcd3")}}};
  // Each member on its host's address, etcd's port by default.
  std::string directory = "etcd://" + lan.at("etcd1").address + "," + lan.at("etcd2").address + "," +
                          lan.at("etcd3").address;

  child_process imchat_on(const std::string& host, std::vector<std::string> args) const {
    args.insert(args.begin(), IMCHAT_BINARY);
    args.insert(args.end(), {"--directory", directory, "--peer-timeout", "2"});
    return child_process(test_lan::run_in(lan.at(host), std::move(args)));
  }

  child_process room_on(const std::string& host, const std::string& name = "cheese") const {
    const auto& address = lan.at(host).address;
    return imchat_on(host, {"room", name, address + ":5555", address + ":5556", "--memory-only"});
  }

  std::string listing() const {
    const auto result = imchat::test::run_program(test_lan::run_in(
        lan.at("users"), {IMCHAT_BINARY, "server", "--list", "--directory", directory, "--timeout", "5"}));
    INFO(result);
    CHECK(result.status == exit_status::exited(0));
    return result.stdout_text;
  }
};

// Says numbered lines until the display shows one: it is bound and the chat works.
bool said_until_shown(child_process& prompt, child_process& display, const std::string& tag) {
  const imchat::test::deadline until(patience);
  for (int i = 1; !until.expired(); ++i) {
    if (!prompt.write_stdin(tag + " " + std::to_string(i) + "\n")) return false;
    if (display.wait_for_stdout("kofi: " + tag + " ", 200ms)) return true;
  }
  return false;
}

bool cannot_run_here() {
  if (const auto why = test_lan::unavailable()) {
    imchat::test::report_skip(*why);
    return true;
  }
  return etcd_cluster::skipped_here();
}

}  // namespace

TEST_SUITE("directory: etcd") {

TEST_CASE("a chat across hosts with the directory on an etcd cluster of three hosts - its leader killed - the room replaced on another host") {
  if (cannot_run_here()) return;
  site site;
  auto room = site.room_on("room");
  INFO("room stderr:\n" << room.stderr_text());
  REQUIRE(room.wait_for_stderr("room 'cheese' is open", patience));
  auto display = site.imchat_on("users", {"display", "cheese"});
  auto kofi = site.imchat_on("users", {"prompt", "cheese", "kofi"});
  INFO("display stderr:\n" << display.stderr_text());
  REQUIRE(said_until_shown(kofi, display, "across hosts"));
  // What the room registered is where the users' host reaches it.
  CHECK(site.listing().find(site.lan.at("room").address + ":5555") != std::string::npos);

  // The leader's host loses its member: the chat goes on.
  site.cluster.kill(site.cluster.leader());
  REQUIRE(kofi.write_stdin("while etcd elects\n"));
  CHECK(display.wait_for_stdout("kofi: while etcd elects\n", patience));

  // The room's host loses the room: its names go with its lease, a room of the name
  // starts on another host, and the display and the prompt follow it there.
  room.send_signal(SIGKILL);
  REQUIRE(room.wait_exit(patience));
  CHECK(eventually([&] { return site.listing().find("Q_cheese") == std::string::npos; }, patience));
  auto second = site.room_on("room2");
  INFO("second room stderr:\n" << second.stderr_text());
  REQUIRE(second.wait_for_stderr("room 'cheese' is open", patience));
  CHECK(display.wait_for_stdout("Problems connecting to the chatroom...", patience));
  REQUIRE(kofi.write_stdin("to the room on another host\n"));
  CHECK(display.wait_for_stdout("kofi: to the room on another host\n", patience));
  CHECK(site.listing().find(site.lan.at("room2").address + ":5556") != std::string::npos);
  kofi.close_stdin();
  CHECK(kofi.wait_exit(patience) == exit_status::exited(0));
}

TEST_CASE("two hosts racing to register a room of one name on etcd - exactly one wins") {
  if (cannot_run_here()) return;
  site site;
  for (int round = 0; round < 3; ++round) {
    CAPTURE(round);
    const auto name = "race" + std::to_string(round);
    auto first = site.room_on("room", name);
    auto second = site.room_on("room2", name);
    const auto settled = [&](child_process& room) {
      return room.stderr_text().find("is open") != std::string::npos || room.wait_exit(0ms).has_value();
    };
    REQUIRE(eventually([&] { return settled(first) && settled(second); }, patience));
    const bool first_won = !first.wait_exit(0ms).has_value();
    const bool second_won = !second.wait_exit(0ms).has_value();
    INFO("first:\n" << first.stderr_text() << "\nsecond:\n" << second.stderr_text());
    CHECK(first_won != second_won);
    auto& loser = first_won ? second : first;
    CHECK(loser.wait_exit(patience) == exit_status::exited(1));
    CHECK(loser.stderr_text().find("room '" + name + "' is already running") != std::string::npos);
    auto& winner = first_won ? first : second;
    winner.send_signal(SIGTERM);
    CHECK(winner.wait_exit(patience) == exit_status::exited(0));
  }
}

}  // TEST_SUITE
