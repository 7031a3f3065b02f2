// A room on its log (the default) sends displays that are behind what it keeps in memory
// the rest from the log: a display stopped far behind, one cut off by its peer timeout,
// ten displays behind a burst, one asking for the whole of a log of hundreds of MB — each
// gets every line, once, in order, while the room's memory stays bounded; and a display
// asking for history (--history, --since) gets it from the log, across restarts.

#include "bench/process_memory.hpp"
#include "blackbox/chat/chat_fixture.hpp"
#include "blackbox/chat/chat_lines.hpp"
#include "blackbox/chat/numbered_lines.hpp"
#include "store/room_log.hpp"
#include "support/deadline.hpp"
#include "support/run_program.hpp"
#include "support/sanitizers.hpp"
#include "support/scratch_directory.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <ctime>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::deadline;
using imchat::test::read_file;
using imchat::test::sanitized_build;
using imchat::test::scratch_directory;
using namespace imchat::test::chat;
namespace fs = std::filesystem;

namespace {

auto file_has(const fs::path& file) {
  return [file](std::string_view text) { return wait_for_file_text(file, text, 100ms); };
}

// Checks that `output` holds exactly `count` lines "USER: TAG 1" ... in order, and that
// any back line it has says nothing was lost.
void check_everything_once(const fs::path& output, const std::string& user, const std::string& tag, int count) {
  const auto text = read_file(output);
  CAPTURE(output);
  check_transcript(without_outage_lines(text), {{user, numbered(tag, count)}}, {.from = 0, .to = std::time(nullptr)});
  for (const auto& line : complete_lines(text)) {
    if (!line.starts_with(back_line_start)) continue;
    CAPTURE(line);
    CHECK(lost_in_back_line(line) == std::optional<std::uint64_t>(0));
  }
}

// The last `bytes` of `file` (all of it if shorter): cheap on a file of hundreds of MB.
std::string tail_of(const fs::path& file, std::size_t bytes = 4096) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::size_t>(in.tellg());
  const auto from = size > bytes ? size - bytes : 0;
  in.seekg(static_cast<std::streamoff>(from));
  std::string out(size - from, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  return out;
}

// The room's resident memory, sampled while `done()` is false (at most `timeout`); the peak.
std::int64_t peak_memory_kib(child_process& room, const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  std::int64_t peak = 0;
  for (const deadline until(timeout); !done();) {
    const auto now = imchat::bench::resident_kib(room.pid());
    REQUIRE(now);
    peak = std::max(peak, *now);
    room.stderr_text();  // keeps the room's stderr pipe from filling
    REQUIRE_FALSE(until.expired());
    std::this_thread::sleep_for(50ms);
  }
  return peak;
}

}  // namespace

TEST_SUITE("chat: the log behind the history") {

TEST_CASE("a display stopped far behind a room that keeps 100 messages in memory gets every line from the log") {
  const int count = sanitized_build ? 60'000 : 300'000;
  chat_fixture chat;
  scratch_directory scratch("behind");
  // The peer timeout cuts the stopped display off: it reconnects by itself, and resumes
  // from the log.
  auto room = chat.start_room("behind", {"--max-backlog", "64K", "--history-size", "100", "--peer-timeout", "2"});
  const auto output_file = scratch.path() / "display";
  auto display = start_redirected(chat, "display behind", ">", output_file);
  chat.sync_outputs("behind", {file_has(output_file)});

  REQUIRE(display.send_signal(SIGSTOP));
  write_numbered(scratch.path() / "lines", "flood", count);
  auto flood = start_redirected(chat, "prompt behind kofi", "<", scratch.path() / "lines");
  check_exits_0(flood, 120s);
  CHECK(room.wait_for_stderr("subscriber left", chat_timeout));  // cut off, far behind the history
  REQUIRE(display.send_signal(SIGCONT));
  REQUIRE(wait_for_file_text(output_file, "kofi: flood " + std::to_string(count) + "\n", 100s));
  check_everything_once(output_file, "kofi", "flood", count);
}

TEST_CASE("a burst to ten displays that stop reading for a while loses nothing with the room's defaults") {
  // The 200,000 lines to 10 displays (bench/run.sh runs the full pipeline sizes).
  const int count = sanitized_build ? 40'000 : 200'000;
  const int displays = sanitized_build ? 4 : 10;
  chat_fixture chat;
  scratch_directory scratch("burst");
  auto room = chat.start_room("burst");
  std::vector<fs::path> outputs;
  std::vector<child_process> watching;
  for (int i = 0; i < displays; ++i) {
    outputs.push_back(scratch.path() / ("display" + std::to_string(i)));
    watching.push_back(start_redirected(chat, "display burst", ">", outputs.back()));
  }
  std::vector<chat_fixture::output_check> checks;
  for (const auto& output : outputs) checks.push_back(file_has(output));
  chat.sync_outputs("burst", checks);

  // Readers that stall for 3 s (less than the peer timeout, so the room keeps them): the
  // room's backlog for each passes --max-backlog, and the history does not hold the burst.
  write_numbered(scratch.path() / "lines", "burst", count);
  for (auto& display : watching) REQUIRE(display.send_signal(SIGSTOP));
  auto flood = start_redirected(chat, "prompt burst kofi", "<", scratch.path() / "lines");
  std::this_thread::sleep_for(3s);
  for (auto& display : watching) REQUIRE(display.send_signal(SIGCONT));
  check_exits_0(flood, 120s);
  for (const auto& output : outputs)
    REQUIRE_MESSAGE(wait_for_file_text(output, "kofi: burst " + std::to_string(count) + "\n", 100s), output);
  for (const auto& output : outputs) {
    check_everything_once(output, "kofi", "burst", count);
    CHECK(occurrences(read_file(output), problems_line) == 0);
  }
  // They were behind more than the room's memory holds: it fed them from its log.
  if (!sanitized_build) CHECK(room.wait_for_stderr("subscriber too slow", 1s));
}

TEST_CASE("a display reading a log of hundreds of MB from its start - the room's memory stays bounded") {
  // 300 MB of 1 KiB lines (30 MB in the sanitizer builds), written with the room's own
  // log, as if the room had taken them.
  const int count = sanitized_build ? 30'000 : 300'000;
  chat_fixture chat;
  scratch_directory scratch("big");
  const auto state = scratch.path() / "state";
  const std::string filler(1000, 'x');
  {
    imchat::store::room_log log(state, "big", imchat::store::fsync_policy::never);
    std::vector<imchat::message> batch;
    for (int n = 1; n <= count; ++n) {
      batch.emplace_back(std::string_view("Thu Dec  3 12:00:00 2026 kofi: big " + std::to_string(n) + " " + filler));
      if (batch.size() == 4096 || n == count) {
        log.append(batch, {});
        batch.clear();
      }
    }
  }
  auto room = chat.start_room("big", {"--state-dir", state.string()});
  REQUIRE(room.wait_for_stderr("is open", chat_timeout));
  const auto baseline = imchat::bench::resident_kib(room.pid());
  REQUIRE(baseline);

  const auto output_file = scratch.path() / "display";
  auto display = start_redirected(chat, "display big --history 4000000000", ">", output_file);
  const std::string last = "kofi: big " + std::to_string(count) + " ";
  const auto peak = peak_memory_kib(
      room, [&] { return tail_of(output_file).find(last) != std::string::npos; }, 300s);
  MESSAGE("room memory: " << *baseline << " KiB before, at most " << peak << " KiB while a display read "
                          << count << " KiB of log");
  // Its history (16 MiB at most), one display's backlog (4 MiB) and SQLite's caches; not the log.
  if (!sanitized_build) CHECK(peak - *baseline < 48 * 1024);

  // Every line, in order, once (read a line at a time: the file is big).
  std::ifstream in(output_file);
  int next = 1;
  for (std::string line; std::getline(in, line);) {
    const auto at = line.find("kofi: big ");
    if (at == std::string::npos) continue;
    if (std::stoi(line.substr(at + 10)) != next) {
      FAIL_CHECK("expected line " << next << ", got: " << line.substr(0, 80));
      break;
    }
    ++next;
  }
  CHECK(next == count + 1);
}

TEST_CASE("after a restart --history beyond the room's memory and --since a time or a duration read the log") {
  chat_fixture chat;
  scratch_directory scratch("asked");
  const std::vector<std::string> options{"--state-dir", (scratch.path() / "state").string(), "--history-size", "2"};
  std::string between;  // a time between the early lines and the late ones, as ISO 8601 in UTC
  {
    auto room = chat.start_room("asked", options);
    auto prompt = chat.start_prompt("asked", "kofi");
    say(prompt, numbered("early", 5));
    auto display = chat.start_display("asked", {"--history", "5"});
    require_stdout(display, "kofi: early 5\n");  // logged: the room relays only what it stored
    // Whole seconds on both sides of it, since the time has no fraction.
    std::this_thread::sleep_for(1100ms);
    const auto now = std::time(nullptr) + 1;
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    between = text;
    std::this_thread::sleep_for(2100ms);
    say(prompt, numbered("late", 5));
    prompt.close_stdin();
    check_exits_0(prompt);
    require_stdout(display, "kofi: late 5\n");
    REQUIRE(room.send_signal(SIGTERM));
    CHECK(room.wait_exit(chat_timeout) == imchat::test::exit_status::exited(0));
  }
  auto room = chat.start_room("asked", options);
  const auto shown = [&](std::vector<std::string> asked, const std::string& last) {
    auto display = chat.start_display("asked", std::move(asked));
    require_stdout(display, last);
    std::this_thread::sleep_for(300ms);  // nothing more comes
    std::vector<std::string> said;
    for (const auto& line : complete_lines(display.stdout_text()))
      if (const auto at = line.find("kofi: "); at != std::string::npos) said.push_back(line.substr(at + 6));
    return said;
  };
  CAPTURE(between);
  const auto early = numbered("early", 5), late = numbered("late", 5);
  CHECK(shown({"--history", "7"}, "kofi: late 5\n") ==
        std::vector<std::string>{early[3], early[4]} + late);  // 5 of them from the log, not the memory
  CHECK(shown({"--since", between}, "kofi: late 5\n") == late);
  CHECK(shown({"--since", between, "--history", "3"}, "kofi: late 5\n") ==
        std::vector<std::string>{late[2], late[3], late[4]});
  CHECK(shown({"--since", "1h"}, "kofi: late 5\n") == early + late);

  const auto refused = imchat::test::run_program(chat.argv({"display", "asked", "--since", "yesterday"}), {}, chat_timeout);
  INFO(refused);
  CHECK(refused.status == imchat::test::exit_status::exited(2));
  CHECK(refused.stderr_text.find("'yesterday' is neither a time") != std::string::npos);
}

}  // TEST_SUITE
