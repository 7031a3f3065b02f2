// A room on its log (the default): what it accepted is on disk before it is acknowledged,
// and a room restarted on the same state directory is the same room. Killed again and
// again under a flood, its displays still print every line once, in each prompt's order,
// and say that nothing was lost. Also: where the log is by default, what a room says
// about a log it cannot use, and retention across a restart.

#include "blackbox/chat/chat_fixture.hpp"
#include "blackbox/chat/chat_lines.hpp"
#include "blackbox/chat/numbered_lines.hpp"
#include "support/run_program.hpp"
#include "support/sanitizers.hpp"
#include "support/scratch_directory.hpp"
#include "support/tcp_ports.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <sys/mount.h>
#include <cstdlib>
#include <optional>
#include <random>
#include <thread>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::exit_status;
using imchat::test::free_tcp_port;
using imchat::test::read_file;
using imchat::test::run_program;
using imchat::test::sanitized_build;
using imchat::test::scratch_directory;
using imchat::test::write_file;
using namespace imchat::test::chat;
namespace fs = std::filesystem;

namespace {

// How many messages the log at `file` holds, read with SQLite as an operator would.
std::int64_t messages_in(const fs::path& file) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* count = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT count(*) FROM messages", -1, &count, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(count) == SQLITE_ROW);
  const auto n = sqlite3_column_int64(count, 0);
  sqlite3_finalize(count);
  sqlite3_close(db);
  return n;
}

// Runs `imchat room ARGS...` to its end and checks that it failed saying `sentence`.
void check_room_refused(const chat_fixture& chat, std::vector<std::string> args, std::string_view sentence,
                        int status = 1) {
  args.insert(args.begin(), "room");
  const auto result = run_program(chat.argv(args), {}, chat_timeout);
  INFO(result);
  CHECK(result.status == exit_status::exited(status));
  CHECK(result.stderr_text.find(sentence) != std::string::npos);
}

}  // namespace

TEST_SUITE("chat: durable rooms") {

TEST_CASE("a room SIGKILLed again and again under a flood from three prompts - every line once at every display") {
  const int kills = sanitized_build ? 4 : 10;
  const int per_prompt = sanitized_build ? 4'000 : 20'000;
  const std::size_t chunk = sanitized_build ? 50 : 100;  // every 20 ms
  chat_fixture chat;
  scratch_directory scratch("durable");
  const time_window window{.from = std::time(nullptr), .to = 0};
  const std::vector<std::string> ports{"127.0.0.1:" + std::to_string(free_tcp_port()),
                                       "127.0.0.1:" + std::to_string(free_tcp_port())};
  std::optional<child_process> room(chat.start_room("durable", ports));

  std::vector<fs::path> outputs;
  std::vector<child_process> displays;
  for (int i = 0; i < 2; ++i) {
    outputs.push_back(scratch.path() / ("display" + std::to_string(i)));
    displays.push_back(start_redirected(chat, "display durable", ">", outputs.back()));
  }
  std::vector<chat_fixture::output_check> checks;
  for (const auto& output : outputs)
    checks.push_back([output](std::string_view text) { return wait_for_file_text(output, text, 100ms); });
  chat.sync_outputs("durable", checks);

  // Each prompt is fed a chunk of lines at a time, so that the flood lasts through the
  // kills (a prompt reading a file would be done in a blink).
  const std::vector<std::string> users{"ama", "bo", "chen"};
  transcript expected;
  std::vector<child_process> prompts;
  for (const auto& user : users) {
    expected[user] = numbered("line", per_prompt);
    prompts.push_back(chat.start_prompt("durable", user));
  }
  std::atomic<int> feeding{static_cast<int>(users.size())};
  std::atomic<bool> fed_all{true};
  std::vector<std::jthread> feeders;  // joined, even when a REQUIRE ends the test
  for (std::size_t i = 0; i < users.size(); ++i)
    feeders.emplace_back([&, i] {
      const auto& lines = expected[users[i]];
      for (std::size_t from = 0; from < lines.size(); from += chunk) {
        std::string text;
        for (std::size_t n = from; n < std::min(lines.size(), from + chunk); ++n) text += lines[n] + "\n";
        if (!prompts[i].write_stdin(text, 60s)) fed_all = false;
        std::this_thread::sleep_for(20ms);
      }
      prompts[i].close_stdin();
      --feeding;
    });

  // Killed at random moments, restarted at once: on its ports, then on others the OS
  // picks (found again through the directory), in turn.
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> pause_ms(50, 700);
  int during_flood = 0;
  for (int kill = 1; kill <= kills; ++kill) {
    CAPTURE(kill);
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
    if (feeding == static_cast<int>(users.size())) ++during_flood;
    REQUIRE(room->send_signal(SIGKILL));
    CHECK(room->wait_exit(chat_timeout) == exit_status::killed_by(SIGKILL));
    room.emplace(chat.start_room("durable", kill % 2 == 0 ? ports : std::vector<std::string>{}));
  }

  for (auto& feeder : feeders) feeder.join();
  CHECK(fed_all);
  MESSAGE(during_flood << " of " << kills << " kills came while all three prompts were still sending");
  CHECK(during_flood >= kills / 2);
  for (auto& prompt : prompts) check_exits_0(prompt, 300s);  // every line acknowledged
  for (const auto& output : outputs)
    for (const auto& user : users)
      REQUIRE_MESSAGE(wait_for_file_text(output, user + ": line " + std::to_string(per_prompt) + "\n", 120s),
                      read_file(output).substr(0, 2000));
  for (const auto& output : outputs) {
    const auto text = read_file(output);
    CAPTURE(output);
    check_transcript(without_outage_lines(text), expected, {.from = window.from, .to = std::time(nullptr)});
    for (const auto& line : complete_lines(text)) {
      if (!line.starts_with(back_line_start)) continue;
      CAPTURE(line);
      CHECK(lost_in_back_line(line) == std::optional<std::uint64_t>(0));  // no "restarted": the same room
    }
  }
  INFO("room stderr:\n" << room->stderr_text());
  CHECK(room->stderr_text().find("dropped") == std::string::npos);
}

TEST_CASE("a room keeps its log in XDG_STATE_HOME by default - in STATE_DIRECTORY under systemd - in --state-dir") {
  chat_fixture chat;
  scratch_directory scratch("state");
  const auto xdg = fs::path(std::getenv("XDG_STATE_HOME"));  // the test main sets it
  const auto say_one = [&](const std::string& room, const std::string& text) {
    auto prompt = chat.start_prompt(room, "kofi");
    REQUIRE(prompt.write_stdin(text + "\n"));
    prompt.close_stdin();
    check_exits_0(prompt);
  };
  {
    auto room = chat.start_room("caf\xc3\xa9 cr\xc3\xa8me");
    say_one("caf\xc3\xa9 cr\xc3\xa8me", "by default");
    CHECK(room.stderr_text().find((xdg / "imchat/rooms/caf%C3%A9%20cr%C3%A8me/room.db").string()) != std::string::npos);
  }
  CHECK(messages_in(xdg / "imchat/rooms/caf%C3%A9%20cr%C3%A8me/room.db") == 1);
  CHECK((fs::status(xdg / "imchat/rooms/caf%C3%A9%20cr%C3%A8me").permissions() & fs::perms::all) ==
        fs::perms::owner_all);
  CHECK((fs::status(xdg / "imchat/rooms/caf%C3%A9%20cr%C3%A8me/room.db").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  {
    const auto unit_state = scratch.path() / "var-lib-imchat-rooms-unit";
    child_process room(chat.argv({"room", "unit"}), {{"STATE_DIRECTORY", unit_state.string()}});
    REQUIRE(room.wait_for_stderr("room 'unit' is open", chat_timeout));
    say_one("unit", "under systemd");
    REQUIRE(room.send_signal(SIGTERM));
    CHECK(room.wait_exit(chat_timeout) == exit_status::exited(0));
    CHECK(messages_in(unit_state / "room.db") == 1);
  }
  {
    auto room = chat.start_room("given", {"--state-dir", (scratch.path() / "given").string()});
    say_one("given", "in the given directory");
  }
  CHECK(messages_in(scratch.path() / "given" / "room.db") == 1);
  CHECK_FALSE(fs::exists(xdg / "imchat/rooms/given"));
  {
    auto room = chat.start_room("fleeting", {"--memory-only"});
    say_one("fleeting", "kept nowhere");
    CHECK(room.stderr_text().find("memory only: no log") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(xdg / "imchat/rooms/fleeting"));
}

TEST_CASE("a log that is not a room's - another room's - or open in a running room is refused in words") {
  chat_fixture chat;
  scratch_directory scratch("state");
  const auto foreign = scratch.path() / "foreign";
  fs::create_directories(foreign);
  write_file(foreign / "room.db", std::string(8192, 'x'));
  check_room_refused(chat, {"cheese", "--state-dir", foreign.string()}, "room.db: file is not a database");
  CHECK(read_file(foreign / "room.db") == std::string(8192, 'x'));  // left as it was

  const auto used = scratch.path() / "used";
  {
    auto room = chat.start_room("gouda", {"--state-dir", used.string()});
    check_room_refused(chat, {"gouda", "--state-dir", used.string()}, "room 'gouda' is already running: 'Q_gouda' is registered by");
    check_room_refused(chat, {"brie", "--state-dir", used.string()}, "another room has the log " + (used / "room.db").string() + " open");
  }
  check_room_refused(chat, {"brie", "--state-dir", used.string()},
                     (used / "room.db").string() + " is the log of the room 'gouda', not of 'brie'");
  check_room_refused(chat, {"brie", "--memory-only", "--state-dir", used.string()}, "does not go with --state-dir", 2);
  check_room_refused(chat, {"brie", "--fsync", "sometimes"}, "--fsync must be 'always', 'second' or 'never'", 2);
}

TEST_CASE("a room restarted on its log keeps what the retention keeps - a display asking for history gets it") {
  chat_fixture chat;
  scratch_directory scratch("state");
  const std::vector<std::string> options{"--state-dir", (scratch.path() / "kept").string(), "--retain-messages", "5"};
  {
    auto room = chat.start_room("kept", options);
    auto prompt = chat.start_prompt("kept", "kofi");
    say(prompt, numbered("said", 12));
    prompt.close_stdin();
    check_exits_0(prompt);
    std::this_thread::sleep_for(1500ms);  // the log drops the oldest about once a second
    REQUIRE(room.send_signal(SIGTERM));
    CHECK(room.wait_exit(chat_timeout) == exit_status::exited(0));
  }
  CHECK(messages_in(scratch.path() / "kept" / "room.db") == 5);
  auto room = chat.start_room("kept", options);
  CHECK(room.stderr_text().find("(5 messages, the next is number 13)") != std::string::npos);
  auto display = chat.start_display("kept", {"--history", "100"});
  require_stdout(display, "kofi: said 12\n");
  CHECK(occurrences(display.stdout_text(), "kofi: said ") == 5);
  CHECK(display.stdout_text().find("kofi: said 8\n") != std::string::npos);
  CHECK(display.stdout_text().find("kofi: said 7\n") == std::string::npos);
}

TEST_CASE("a room whose disk is full acknowledges nothing and relays nothing more - and loses nothing once there is room") {
  chat_fixture chat;
  scratch_directory scratch("full");
  const auto disk = scratch.path() / "disk";
  fs::create_directories(disk);
  REQUIRE_MESSAGE(::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=4m") == 0, "tests run as root: mount a tmpfs");
  struct unmount {
    fs::path at;
    ~unmount() { ::umount2(at.c_str(), MNT_DETACH); }
  } unmount_at_end{disk};
  // Something else fills the disk but for a little; the operator deletes it later.
  write_file(disk / "filler", std::string((4 << 20) - (320 << 10), 'f'));

  auto room = chat.start_room("full", {"--state-dir", (disk / "room").string(), "--fsync", "always"});
  auto display = chat.start_display("full");
  chat.sync_displays("full", {&display});
  auto prompt = chat.start_prompt("full", "kofi");
  const auto lines = numbered(std::string(90, 'x'), 3000);
  say(prompt, lines);
  REQUIRE(room.wait_for_stderr("(the disk is full)", chat_timeout));
  CHECK(room.wait_for_stderr("acknowledging nothing and trying again every second", chat_timeout));
  std::this_thread::sleep_for(1s);
  CHECK(still_running(room));
  CHECK(still_running(prompt));
  const auto shown = occurrences(display.stdout_text(), "kofi: ");
  MESSAGE(shown << " of 3000 lines were stored and shown before the disk was full");
  CHECK(shown < 3000);

  fs::remove(disk / "filler");
  REQUIRE_MESSAGE(display.wait_for_stdout("kofi: " + lines.back() + "\n", 60s), room.stderr_text());
  CHECK(room.stderr_text().find("the log takes messages again") != std::string::npos);
  prompt.close_stdin();
  check_exits_0(prompt);
  check_transcript(display.stdout_text(), {{"kofi", lines}}, {.from = 0, .to = std::time(nullptr)});
}

}  // TEST_SUITE
