// The directory on a real etcd cluster (Debian's etcd-server, three members on loopback
// ports, started by the test): a room, prompts and displays with nothing else for a
// directory, and the faults the cluster and the programs meet — the leader killed, every
// member stopped, a room SIGKILLed and started elsewhere, two rooms racing for a name.
// The cluster is real; so are the programs. docs/etcd.md describes what they do.

#include "blackbox/chat/chat_fixture.hpp"
#include "support/etcd_cluster.hpp"
#include "support/eventually.hpp"
#include "support/run_program.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <thread>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::etcd_cluster;
using imchat::test::eventually;
using imchat::test::exit_status;
using imchat::test::run_program;
using namespace imchat::test::chat;

namespace {

// What `imchat server --list` prints against the fixture's directory.
std::string listing(const chat_fixture& chat) {
  const auto result = run_program(chat.argv({"server", "--list", "--timeout", "5"}));
  INFO(result);
  CHECK(result.status == exit_status::exited(0));
  return result.stdout_text;
}

bool listed(const chat_fixture& chat, const std::string& name) {
  return listing(chat).find("\n" + name + " ") != std::string::npos;
}

// The keys under the prefix, as etcd itself has them.
std::string keys_in(etcd_cluster& cluster, const std::string& prefix = "/imchat/") {
  const auto result = cluster.etcdctl({"get", "--prefix", "--keys-only", prefix});
  INFO(result);
  CHECK(result.status == exit_status::exited(0));
  return result.stdout_text;
}

// A --memory-only room "cheese", a display bound to it, and kofi's prompt, whose `first`
// line the display has shown.
struct chatting {
  child_process room, display, kofi;
};
chatting start_chatting(const chat_fixture& chat, const std::string& first) {
  chatting started{chat.start_room("cheese", {"--memory-only"}), chat.start_display("cheese"),
                   chat.start_prompt("cheese", "kofi")};
  chat.sync_displays("cheese", {&started.display});
  REQUIRE(started.kofi.write_stdin(first + "\n"));
  require_stdout(started.display, "kofi: " + first + "\n");
  return started;
}

}  // namespace

TEST_SUITE("directory: etcd") {

TEST_CASE("a room - a prompt and a display with nothing but an etcd cluster for a directory") {
  if (etcd_cluster::skipped_here()) return;
  etcd_cluster cluster({.members = 3});
  chat_fixture chat(cluster.address());
  auto room = chat.start_room("cheese");
  auto display = chat.start_display("cheese");
  chat.sync_displays("cheese", {&display});
  auto kofi = chat.start_prompt("cheese", "kofi");
  REQUIRE(kofi.write_stdin("hello through etcd\n"));
  kofi.close_stdin();
  check_exits_0(kofi);
  require_stdout(display, "kofi: hello through etcd\n");

  // The names are keys under the prefix; `server --list` shows them as it does for
  // imchat's own directory, owned by the room's host and process.
  const auto keys = keys_in(cluster);
  CHECK(keys.find("/imchat/Q_cheese") != std::string::npos);
  CHECK(keys.find("/imchat/E_cheese") != std::string::npos);
  const auto table = listing(chat);
  INFO(table);
  CHECK(table.starts_with("NAME"));
  CHECK(table.find("KIND") != std::string::npos);
  CHECK(table.find("ENDPOINTS") != std::string::npos);
  CHECK(table.find("OWNER") != std::string::npos);
  const auto owner = " pid " + std::to_string(room.pid());
  CHECK(table.find("Q_cheese  queue") != std::string::npos);
  CHECK(table.find("E_cheese  exchange") != std::string::npos);
  CHECK(imchat::test::chat::occurrences(table, owner) == 2);

  // A second room of the name is refused, naming the holder.
  const auto second = run_program(chat.argv({"room", "cheese", "--memory-only"}));
  INFO(second);
  CHECK(second.status == exit_status::exited(1));
  CHECK(second.stderr_text.find("room 'cheese' is already running") != std::string::npos);
  CHECK(second.stderr_text.find(owner) != std::string::npos);

  // A room that stops gives its names back at once (its lease revoked), not a TTL later.
  room.send_signal(SIGTERM);
  check_exits_0(room);
  CHECK(keys_in(cluster).find("/imchat/") == std::string::npos);
  display.send_signal(SIGTERM);
  check_exits_0(display);
}

TEST_CASE("the etcd leader killed mid-chat - the chat goes on and new prompts and displays find the room") {
  if (etcd_cluster::skipped_here()) return;
  etcd_cluster cluster({.members = 3});
  constexpr auto peer_timeout = 3s;
  chat_fixture chat(cluster.address(), {"--peer-timeout", "3"});
  auto [room, display, kofi] = start_chatting(chat, "before");

  const auto leader = cluster.leader();
  cluster.kill(leader);
  REQUIRE(kofi.write_stdin("during the election\n"));
  require_stdout(display, "kofi: during the election\n");

  // A newcomer finds the room through the members left, within the peer timeout (plus
  // the time a program takes to start under a sanitizer on a busy machine).
  const auto started = std::chrono::steady_clock::now();
  auto late_display = chat.start_display("cheese", {"--history", "5"});
  require_stdout(late_display, "kofi: during the election\n");
  const auto found_in = std::chrono::steady_clock::now() - started;
  INFO("found the room in " << std::chrono::duration_cast<std::chrono::milliseconds>(found_in).count() << " ms");
  CHECK(found_in < peer_timeout + 5s);
  auto ama = chat.start_prompt("cheese", "ama");
  REQUIRE(ama.write_stdin("found you\n"));
  require_stdout(display, "ama: found you\n");
  require_stdout(late_display, "ama: found you\n");

  // The registrations stayed: longer than their TTL after the kill, the names are there,
  // and the room never lost one.
  std::this_thread::sleep_for(peer_timeout + 1s);
  CHECK(listed(chat, "Q_cheese"));
  CHECK(listed(chat, "E_cheese"));
  CHECK(room.stderr_text().find("lost the name") == std::string::npos);
  // And the killed member comes back to a cluster that goes on.
  cluster.start(leader);
  cluster.wait_ready();
  REQUIRE(kofi.write_stdin("after\n"));
  require_stdout(late_display, "kofi: after\n");
  for (auto* program : {&kofi, &ama}) {
    program->close_stdin();
    check_exits_0(*program);
  }
}

TEST_CASE("every etcd member stopped - chats go on - look-ups wait - the names come back with the cluster") {
  if (etcd_cluster::skipped_here()) return;
  etcd_cluster cluster({.members = 3});
  chat_fixture chat(cluster.address(), {"--peer-timeout", "2"});
  auto [room, display, kofi] = start_chatting(chat, "before");

  for (std::size_t i = 0; i < cluster.size(); ++i) cluster.stop(i);
  REQUIRE(kofi.write_stdin("with no directory at all\n"));
  require_stdout(display, "kofi: with no directory at all\n");
  // A newcomer waits for the directory, saying so, and prints nothing meanwhile.
  auto late_display = chat.start_display("cheese", {"--history", "5"});
  CHECK(late_display.wait_for_stderr("waiting for the directory at " + cluster.address(), chat_timeout));
  // Longer than the names' TTL.
  std::this_thread::sleep_for(3s);
  CHECK(still_running(late_display));
  CHECK(late_display.stdout_text().empty());
  CHECK(still_running(room));

  for (std::size_t i = 0; i < cluster.size(); ++i) cluster.start(i);
  cluster.wait_ready();
  require_stdout(late_display, "kofi: with no directory at all\n");
  CHECK(eventually([&] { return listed(chat, "Q_cheese") && listed(chat, "E_cheese"); }, chat_timeout));
  REQUIRE(kofi.write_stdin("and after\n"));
  require_stdout(display, "kofi: and after\n");
  require_stdout(late_display, "kofi: and after\n");
  kofi.close_stdin();
  check_exits_0(kofi);
}

TEST_CASE("a room SIGKILLed loses its names within the lease TTL - a new room takes them and the displays follow") {
  if (etcd_cluster::skipped_here()) return;
  etcd_cluster cluster({.members = 3});
  constexpr auto ttl = 2s;
  chat_fixture chat(cluster.address(), {"--peer-timeout", "2"});
  auto [room, display, kofi] = start_chatting(chat, "to the first room");

  room.send_signal(SIGKILL);
  REQUIRE(room.wait_exit(chat_timeout));
  const auto killed = std::chrono::steady_clock::now();
  // Until the lease runs out the name is the dead room's: a new room is refused.
  CHECK(eventually([&] { return !listed(chat, "Q_cheese") && !listed(chat, "E_cheese"); }, chat_timeout));
  const auto gone_in = std::chrono::steady_clock::now() - killed;
  INFO("names gone " << std::chrono::duration_cast<std::chrono::milliseconds>(gone_in).count() << " ms after the kill");
  // The TTL, plus etcd's check of expired leases (every 500 ms) and the listings' own time.
  CHECK(gone_in < ttl + 3s);

  // A new room of the name, elsewhere (its own ports, its own process), takes the names;
  // the display and the prompt find it there by themselves.
  auto second = chat.start_room("cheese", {"--memory-only"});
  CHECK(display.wait_for_stdout("Problems connecting to the chatroom...", chat_timeout));
  REQUIRE(kofi.write_stdin("to the second room\n"));
  require_stdout(display, "kofi: to the second room\n");
  CHECK(display.stdout_text().find("Back in the chatroom") != std::string::npos);
  CHECK(listing(chat).find(" pid " + std::to_string(second.pid())) != std::string::npos);
  kofi.close_stdin();
  check_exits_0(kofi);
}

TEST_CASE("rooms racing for a name on etcd - exactly one wins and the others name it") {
  if (etcd_cluster::skipped_here()) return;
  etcd_cluster cluster({.members = 3});
  chat_fixture chat(cluster.address());
  for (int round = 0; round < 4; ++round) {
    const auto name = "race" + std::to_string(round);
    std::vector<child_process> rooms;
    for (int i = 0; i < 3; ++i) rooms.emplace_back(chat.argv({"room", name, "--memory-only"}));
    // Each either opens or is refused; the refused exit at once.
    std::vector<std::size_t> open, refused;
    for (std::size_t i = 0; i < rooms.size(); ++i) {
      const bool ended = eventually(
          [&] { return rooms[i].stderr_text().find("is open") != std::string::npos || !still_running(rooms[i]); },
          chat_timeout);
      REQUIRE(ended);
      (still_running(rooms[i]) ? open : refused).push_back(i);
    }
    CAPTURE(round);
    REQUIRE(open.size() == 1);
    const auto winner = " pid " + std::to_string(rooms[open.front()].pid());
    for (const auto i : refused) {
      INFO("refused room's stderr:\n" << rooms[i].stderr_text());
      CHECK(rooms[i].wait_exit(chat_timeout) == exit_status::exited(1));
      CHECK(rooms[i].stderr_text().find("room '" + name + "' is already running") != std::string::npos);
      CHECK(rooms[i].stderr_text().find(winner) != std::string::npos);
    }
    const auto table = listing(chat);
    CHECK(occurrences(table, winner) == 2);
  }
}

}  // TEST_SUITE
