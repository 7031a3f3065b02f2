// Nothing lost, nothing silent: the chat programs across a room that is killed and
// restarted, a display that stops reading under a flood, and a display that joins late
// asking for history. Each test checks the exact lines each display printed: every line
// once where the design promises it, and the exact gap count where it does not.

#include "blackbox/chat/chat_fixture.hpp"
#include "blackbox/chat/chat_lines.hpp"
#include "blackbox/chat/numbered_lines.hpp"
#include "bench/process_memory.hpp"
#include "support/deadline.hpp"
#include "support/sanitizers.hpp"
#include "support/scratch_directory.hpp"
#include "support/tcp_ports.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <span>
#include <thread>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::deadline;
using imchat::test::free_tcp_port;
using imchat::test::read_file;
using imchat::test::sanitized_build;
using imchat::test::scratch_directory;
using namespace imchat::test::chat;

namespace {

// Checks `resumed` (a display that fell behind) against `complete` (one that printed
// every message): from its first line on, each line is the next of `complete`, and each
// back line skips exactly as many lines of `complete` as it says were lost.
void check_resumed_exactly(const std::vector<std::string>& complete, const std::vector<std::string>& resumed) {
  // The two displays may have joined one synchronisation probe apart: start at the first
  // line both printed.
  auto from = resumed.begin();
  while (from != resumed.end() && from->find("probe: sync ") != std::string::npos &&
         std::find(complete.begin(), complete.end(), *from) == complete.end())
    ++from;
  REQUIRE(from != resumed.end());
  auto at = std::find(complete.begin(), complete.end(), *from);
  REQUIRE(at != complete.end());
  std::size_t lost_said = 0;
  for (const auto& line : std::span(from, resumed.end())) {
    CAPTURE(line);
    if (line.starts_with(problems_line)) continue;
    if (line.starts_with(back_line_start)) {
      const auto lost = lost_in_back_line(line);
      REQUIRE(lost);  // the room did not restart: the count is known
      REQUIRE(static_cast<std::size_t>(complete.end() - at) >= *lost);
      at += static_cast<std::ptrdiff_t>(*lost);
      lost_said += *lost;
      continue;
    }
    REQUIRE(at != complete.end());
    REQUIRE(line == *at);
    ++at;
  }
  CHECK(at == complete.end());
  MESSAGE("the stopped display printed " << resumed.size() << " lines and said " << lost_said << " were lost");
}

}  // namespace

TEST_SUITE("chat: delivery") {

TEST_CASE("lines typed while the room is down reach it exactly once when it is back on the same or other ports") {
  chat_fixture chat;
  const time_window window{.from = std::time(nullptr), .to = 0};
  const std::vector<std::string> ports{"127.0.0.1:" + std::to_string(free_tcp_port()),
                                       "127.0.0.1:" + std::to_string(free_tcp_port())};
  std::optional<child_process> room(chat.start_room("phoenix", ports));
  std::vector<child_process> displays;
  for (int i = 0; i < 2; ++i) displays.push_back(chat.start_display("phoenix"));
  std::vector<child_process*> watching;
  for (auto& display : displays) watching.push_back(&display);
  chat.sync_displays("phoenix", watching);

  auto kofi = chat.start_prompt("phoenix", "kofi");
  const auto before = numbered("before", 5);
  say(kofi, before);
  for (auto& display : displays) require_stdout(display, "kofi: before 5\n");

  int outages = 0;
  const auto outage = [&](const std::vector<std::string>& restart_on, const std::vector<std::string>& typed) {
    ++outages;
    REQUIRE(room->send_signal(SIGKILL));
    room->wait_exit(chat_timeout);
    for (auto& display : displays)
      CHECK(wait_for_stderr_count(display, "lost the connection to 'E_phoenix'", static_cast<std::size_t>(outages)));
    CHECK(wait_for_stderr_count(kofi, "lost the connection to 'Q_phoenix'", static_cast<std::size_t>(outages)));
    say(kofi, typed);  // while no room runs
    for (auto& display : displays)
      CHECK(wait_for_stdout_count(display, problems_line, static_cast<std::size_t>(outages)));
    room.emplace(chat.start_room("phoenix", restart_on));
    for (auto& display : displays) require_stdout(display, "kofi: " + typed.back() + "\n");
  };
  const auto during = numbered("during", 20);
  outage(ports, during);
  const auto later = numbered("later", 20);
  outage({}, later);  // other ports, which the OS picks: found again through the directory

  kofi.close_stdin();
  check_exits_0(kofi);
  for (auto& display : displays) {
    const auto output = display.stdout_text();
    INFO("display stdout:\n" << output);
    check_transcript(without_outage_lines(output), {{"kofi", before + during + later}},
                     {.from = window.from, .to = std::time(nullptr)});
    // The room restarted on its log is the same room: per outage, the tutorial's line,
    // and then that nothing was lost.
    CHECK(occurrences(output, problems_line) == 2);
    CHECK(occurrences(output, "Back in the chatroom: nothing was lost.") == 2);
  }
}

TEST_CASE("a display started with --history N first shows the last N messages the room kept") {
  chat_fixture chat;
  const time_window window{.from = std::time(nullptr), .to = 0};
  auto room = chat.start_room("memory");
  auto first = chat.start_display("memory");
  chat.sync_displays("memory", {&first});
  auto kofi = chat.start_prompt("memory", "kofi");
  say(kofi, numbered("line", 8));
  require_stdout(first, "kofi: line 8\n");  // the room has published them all

  auto late = chat.start_display("memory", {"--history", "5"});
  require_stdout(late, "kofi: line 8\n");
  say(kofi, {"live"});
  require_stdout(late, "kofi: live\n");
  const auto output = late.stdout_text();
  INFO("late display stdout:\n" << output);
  const std::vector<std::string> last_five{"line 4", "line 5", "line 6", "line 7", "line 8", "live"};
  check_transcript(output, {{"kofi", last_five}}, {.from = window.from, .to = std::time(nullptr)});
  CHECK(occurrences(output, problems_line) == 0);
}

TEST_CASE("a stopped display never holds the room back and afterwards catches up or counts exactly what it lost") {
  // The sanitizers make everything several times slower and bigger: fewer messages, and
  // memory is not measured.
  const int count = sanitized_build ? 40'000 : 200'000;
  chat_fixture chat;
  scratch_directory scratch("flood");
  // A history that holds the whole flood: on a busy machine even the display that keeps
  // reading may fall behind and be cut off, and it must still get everything.
  auto room = chat.start_room("flood", {"--max-backlog", "1M", "--history-size", "250000"});
  const auto steady_file = scratch.path() / "steady", stopped_file = scratch.path() / "stopped";
  auto steady = start_redirected(chat, "display flood", ">", steady_file);
  auto stopped = start_redirected(chat, "display flood", ">", stopped_file);
  const auto file_has = [](const std::filesystem::path& file) {
    return [file](std::string_view text) { return wait_for_file_text(file, text, 100ms); };
  };
  chat.sync_outputs("flood", {file_has(steady_file), file_has(stopped_file)});
  const auto baseline = imchat::bench::resident_kib(room.pid());
  REQUIRE(baseline);
  const std::int64_t baseline_kib = *baseline;

  REQUIRE(stopped.send_signal(SIGSTOP));
  write_numbered(scratch.path() / "lines", "flood", count);
  auto flood = start_redirected(chat, "prompt flood kofi", "<", scratch.path() / "lines");
  const std::string last = "kofi: flood " + std::to_string(count) + "\n";
  std::int64_t peak_kib = baseline_kib;
  INFO("flood prompt stderr:\n" << flood.stderr_text());
  INFO("steady display's last lines:\n" << read_file(steady_file).substr(read_file(steady_file).size() > 300 ? read_file(steady_file).size() - 300 : 0));
  for (const deadline until(120s); read_file(steady_file).find(last) == std::string::npos;) {
    const auto now = imchat::bench::resident_kib(room.pid());
    REQUIRE(now);
    peak_kib = std::max(peak_kib, *now);
    room.stderr_text();  // reads the room's log as it goes: a full pipe would stall it
    REQUIRE_FALSE(until.expired());
    std::this_thread::sleep_for(50ms);
  }
  check_exits_0(flood, 120s);
  MESSAGE("room memory: " << baseline_kib << " KiB before the flood, at most " << peak_kib << " KiB during it");
  // What the room may hold is set by its options: its history (here the whole flood, about
  // 12 MB of messages), 1 MiB of backlog per display, its queue's share; never what a
  // display that does not read would otherwise pile up.
  if (!sanitized_build) CHECK(peak_kib - baseline_kib < 64 * 1024);

  // The display that kept reading got everything, once, in order, without a gap.
  const auto steady_output = read_file(steady_file);
  check_transcript(steady_output, {{"kofi", numbered("flood", count)}}, {.from = 0, .to = std::time(nullptr)});
  CHECK(occurrences(steady_output, problems_line) == 0);

  // The stopped one, once it reads again, catches up from the room's history or says
  // exactly how many it lost.
  REQUIRE(stopped.send_signal(SIGCONT));
  REQUIRE(wait_for_file_text(stopped_file, last, 120s));
  check_resumed_exactly(complete_lines(steady_output), complete_lines(read_file(stopped_file)));
  CHECK(still_running(steady));
  CHECK(still_running(stopped));
}

TEST_CASE("a display that falls further behind than the room's history says exactly how many lines it lost") {
  // More than the sockets' buffers hold, so that much of it never reaches the display
  // before the room drops it (as too slow, or silent for its peer timeout); fewer in the
  // sanitizer builds, ten times slower, where the silence alone gets it dropped.
  const int count = sanitized_build ? 60'000 : 300'000;
  chat_fixture chat;
  scratch_directory scratch("overrun");
  // Memory only: a room on its log sends a display this far behind the rest from the log
  // (log_catch_up_test.cpp).
  auto room = chat.start_room("short",
                              {"--memory-only", "--max-backlog", "64K", "--history-size", "100", "--peer-timeout", "2"});
  const auto output_file = scratch.path() / "display";
  auto display = start_redirected(chat, "display short", ">", output_file);
  chat.sync_outputs("short", {[&](std::string_view text) { return wait_for_file_text(output_file, text, 100ms); }});

  REQUIRE(display.send_signal(SIGSTOP));
  write_numbered(scratch.path() / "lines", "flood", count);
  auto flood = start_redirected(chat, "prompt short kofi", "<", scratch.path() / "lines");
  check_exits_0(flood, 120s);
  CHECK(room.wait_for_stderr("subscriber left", chat_timeout));  // cut off, far behind the history
  REQUIRE(display.send_signal(SIGCONT));
  const std::string last = "kofi: flood " + std::to_string(count) + "\n";
  REQUIRE(wait_for_file_text(output_file, last, 60s));

  // Its flood lines run in order; where they jump, a back line says by exactly how much.
  std::size_t next = 1, lost_said = 0, gap_lines = 0;
  std::uint64_t pending_gap = 0;
  for (const auto& line : complete_lines(read_file(output_file))) {
    CAPTURE(line);
    if (line.starts_with(problems_line)) continue;
    if (line.starts_with(back_line_start)) {
      const auto lost = lost_in_back_line(line);
      REQUIRE(lost);
      pending_gap += *lost;
      if (*lost > 0) ++gap_lines;
      continue;
    }
    const auto at = line.find("kofi: flood ");
    if (at == std::string::npos) continue;  // the synchronisation probe's lines
    const auto number = std::stoul(line.substr(at + 12));
    CHECK(number == next + pending_gap);
    lost_said += pending_gap;
    pending_gap = 0;
    next = number + 1;
  }
  CHECK(next == count + 1);
  CHECK(gap_lines >= 1);
  MESSAGE(gap_lines << " gap lines said " << lost_said << " lines were lost");
}

TEST_CASE("a room stopped by SIGTERM first relays what it accepted and lets its displays receive it") {
  // More than the sockets' buffers hold, so that output is still waiting in the room.
  const int count = sanitized_build ? 150'000 : 300'000;
  chat_fixture chat;
  scratch_directory scratch("drain");
  // A stopped display sends no heartbeats: a long peer timeout keeps the room from
  // taking it for dead while it is stopped (slow sanitizer builds take a while to flood).
  auto room = chat.start_room("closing", {"--max-backlog", "256M", "--stop-timeout", "60", "--peer-timeout", "600"});
  const auto output_file = scratch.path() / "display";
  auto display = start_redirected(chat, "display closing --peer-timeout 600", ">", output_file);
  chat.sync_outputs("closing", {[&](std::string_view text) { return wait_for_file_text(output_file, text, 100ms); }});

  // The display stops reading; a prompt's lines are all acknowledged (accepted).
  REQUIRE(display.send_signal(SIGSTOP));
  write_numbered(scratch.path() / "lines", "last words", count);
  auto kofi = start_redirected(chat, "prompt closing kofi", "<", scratch.path() / "lines");
  check_exits_0(kofi, 120s);

  REQUIRE(room.send_signal(SIGTERM));
  CHECK(room.wait_for_stderr("stopping", chat_timeout));
  std::this_thread::sleep_for(500ms);
  CHECK(still_running(room));  // waiting for the display
  REQUIRE(display.send_signal(SIGCONT));
  const auto status = room.wait_exit(90s);
  INFO("room stderr:\n" << room.stderr_text());
  CHECK(status == imchat::test::exit_status::exited(0));
  CHECK(room.stderr_text().find("closing anyway") == std::string::npos);
  REQUIRE(wait_for_file_text(output_file, "kofi: last words " + std::to_string(count) + "\n", 60s));
  check_transcript(without_outage_lines(read_file(output_file)), {{"kofi", numbered("last words", count)}},
                   {.from = 0, .to = std::time(nullptr)});
}

TEST_CASE("a prompt at the end of its input says how many lines the room has not acknowledged and exits 1") {
  chat_fixture chat;
  std::optional<child_process> room(chat.start_room("gone"));
  auto kofi = chat.start_prompt("gone", "kofi", {"--linger", "1"});
  say(kofi, {"heard"});
  auto display = chat.start_display("gone", {"--history", "10"});
  require_stdout(display, "kofi: heard\n");

  REQUIRE(room->send_signal(SIGKILL));
  room->wait_exit(chat_timeout);
  CHECK(kofi.wait_for_stderr("lost the connection to 'Q_gone'", chat_timeout));
  say(kofi, {"one", "two", "three"});
  kofi.close_stdin();
  const auto status = kofi.wait_exit(chat_timeout);
  INFO("prompt stderr:\n" << kofi.stderr_text());
  CHECK(status == imchat::test::exit_status::exited(1));
  CHECK(kofi.stderr_text().find("3 lines were not acknowledged by the room") != std::string::npos);
}

}  // TEST_SUITE
