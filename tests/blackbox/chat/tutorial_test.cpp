// The tutorial's "Running it", with the real binary: a directory server, the room
// "international affairs", displays and prompts; then more rooms, a duplicate room, the
// embedded directory and prompts fed by a pipe.

#include "blackbox/chat/chat_fixture.hpp"
#include "blackbox/chat/chat_lines.hpp"
#include "support/run_program.hpp"
#include "support/tcp_ports.hpp"
#include "support/imchat_binary.hpp"

#include <doctest/doctest.h>

#include <ctime>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::exit_status;
using imchat::test::free_tcp_port;
using namespace imchat::test::chat;

namespace {

const std::string affairs = "international affairs";

std::string line_of(const std::string& user, int n) { return user + " says line " + std::to_string(n); }

// Two users on prompts of their own, their lines interleaved, through one room to three
// displays: each display must print every line once, each user's in the order typed,
// stamped with the time the room processed it.
void run_the_tutorial(const std::string& in, const std::string& out) {
  chat_fixture chat;
  auto room = chat.start_room(affairs, {in, out});
  std::vector<child_process> displays;
  for (int i = 0; i < 3; ++i) displays.push_back(chat.start_display(affairs));
  std::vector<child_process*> watching;
  for (auto& display : displays) watching.push_back(&display);
  chat.sync_displays(affairs, watching);

  const time_window window{.from = std::time(nullptr), .to = 0};
  auto kofi = chat.start_prompt(affairs, "kofi");
  auto ban = chat.start_prompt(affairs, "ban");
  transcript expected;
  constexpr int lines = 25;
  for (int n = 1; n <= lines; ++n) {
    for (const auto& [prompt, user] : {std::pair<child_process*, std::string>{&kofi, "kofi"}, {&ban, "ban"}}) {
      REQUIRE(prompt->write_stdin(line_of(user, n) + "\n"));
      expected[user].push_back(line_of(user, n));
    }
  }
  kofi.close_stdin();
  ban.close_stdin();
  check_exits_0(kofi);
  check_exits_0(ban);

  for (auto& display : displays) {
    require_stdout(display, line_of("kofi", lines) + "\n");
    require_stdout(display, line_of("ban", lines) + "\n");
  }
  // Anything said twice would have reached the displays before a line said after it.
  chat.sync_displays(affairs, watching);
  const time_window sent_and_seen{.from = window.from, .to = std::time(nullptr)};
  for (auto& display : displays) {
    INFO("display stderr:\n" << display.stderr_text());
    check_transcript(display.stdout_text(), expected, sent_and_seen);
    CHECK(still_running(display));
  }
  CHECK(still_running(room));
}

}  // namespace

TEST_SUITE("chat: tutorial") {

TEST_CASE("the tutorial's room on lo with fixed ports carries every line to every display") {
  const auto in = free_tcp_port(), out = free_tcp_port();
  run_the_tutorial("lo:" + std::to_string(in), "lo:" + std::to_string(out));
}

TEST_CASE("the tutorial's room on every interface with fixed ports carries every line to every display") {
  const auto in = free_tcp_port(), out = free_tcp_port();
  run_the_tutorial("*:" + std::to_string(in), "*:" + std::to_string(out));
}

TEST_CASE("the room listens where it is told and says so") {
  chat_fixture chat;
  const auto in = free_tcp_port(), out = free_tcp_port();
  auto room = chat.start_room(affairs, {"lo:" + std::to_string(in), "lo:" + std::to_string(out)});
  INFO("room stderr:\n" << room.stderr_text());
  CHECK(room.stderr_text().find("127.0.0.1:" + std::to_string(in)) != std::string::npos);
  CHECK(room.stderr_text().find("127.0.0.1:" + std::to_string(out)) != std::string::npos);
  CHECK(imchat::test::wait_for_tcp_port(in));
  CHECK(imchat::test::wait_for_tcp_port(out));
}

TEST_CASE("two rooms at once keep their conversations apart") {
  chat_fixture chat;
  auto cheese = chat.start_room("cheese");
  auto wine = chat.start_room("wine");
  auto cheese_display = chat.start_display("cheese");
  auto wine_display = chat.start_display("wine");
  chat.sync_displays("cheese", {&cheese_display});
  chat.sync_displays("wine", {&wine_display});

  const time_window window{.from = std::time(nullptr), .to = 0};
  auto brie = chat.start_prompt("cheese", "brie");
  auto merlot = chat.start_prompt("wine", "merlot");
  REQUIRE(brie.write_stdin("soft\nripe\n"));
  REQUIRE(merlot.write_stdin("red\ndry\n"));
  brie.close_stdin();
  merlot.close_stdin();
  check_exits_0(brie);
  check_exits_0(merlot);
  require_stdout(cheese_display, "brie: ripe\n");
  require_stdout(wine_display, "merlot: dry\n");
  chat.sync_displays("cheese", {&cheese_display});
  chat.sync_displays("wine", {&wine_display});

  const time_window sent_and_seen{.from = window.from, .to = std::time(nullptr)};
  check_transcript(cheese_display.stdout_text(), {{"brie", {"soft", "ripe"}}}, sent_and_seen);
  check_transcript(wine_display.stdout_text(), {{"merlot", {"red", "dry"}}}, sent_and_seen);
  CHECK(users_in(cheese_display.stdout_text()) == std::set<std::string>{"brie", "probe"});
  CHECK(users_in(wine_display.stdout_text()) == std::set<std::string>{"merlot", "probe"});
}

TEST_CASE("a second room with a running room's name is refused and says where the first one is") {
  chat_fixture chat;
  const auto in = free_tcp_port(), out = free_tcp_port();
  const std::vector<std::string> ports{"lo:" + std::to_string(in), "lo:" + std::to_string(out)};
  auto first = chat.start_room(affairs, ports);

  // The same command again (so the same ports), and with ports of its own.
  for (const auto& extra : {ports, std::vector<std::string>{}}) {
    CAPTURE(joined(extra));
    const auto started = std::chrono::steady_clock::now();
    const auto second = imchat::test::run_program(chat.argv([&] {
      std::vector<std::string> args{"room", affairs};
      args.insert(args.end(), extra.begin(), extra.end());
      return args;
    }()), {}, chat_timeout);
    INFO(second);
    CHECK(second.status == exit_status::exited(1));
    CHECK(std::chrono::steady_clock::now() - started < 5s);
    CHECK(second.stderr_text.find("'" + affairs + "'") != std::string::npos);
    CHECK(second.stderr_text.find("already running") != std::string::npos);
    CHECK(second.stderr_text.find("127.0.0.1:" + std::to_string(in)) != std::string::npos);
  }

  // The first room goes on as if nothing happened.
  REQUIRE(still_running(first));
  auto display = chat.start_display(affairs);
  chat.sync_displays(affairs, {&display});
}

TEST_CASE("the same room with an embedded directory started twice is refused and says where the first one is") {
  chat_fixture chat(chat_fixture::directory_mode::none);
  auto first = chat.start_room(affairs, {"--embedded-directory"});
  const auto second = imchat::test::run_program(chat.argv({"room", affairs, "--embedded-directory"}), {}, chat_timeout);
  INFO(second);
  CHECK(second.status == exit_status::exited(1));
  CHECK(second.stderr_text.find("'" + affairs + "' is already running") != std::string::npos);
  CHECK(second.stderr_text.find("is registered by 127.0.0.1:") != std::string::npos);
  CHECK(second.stderr_text.find(" at 127.0.0.1:") != std::string::npos);
  CHECK(still_running(first));
}

TEST_CASE("a room with an embedded directory serves prompts and displays without a server") {
  chat_fixture chat(chat_fixture::directory_mode::none);
  auto room = chat.start_room(affairs, {"--embedded-directory"});
  auto display = chat.start_display(affairs);
  chat.sync_displays(affairs, {&display});

  const time_window window{.from = std::time(nullptr), .to = 0};
  auto kofi = chat.start_prompt(affairs, "kofi");
  REQUIRE(kofi.write_stdin("no server needed\n"));
  kofi.close_stdin();
  check_exits_0(kofi);
  require_stdout(display, "kofi: no server needed\n");
  check_transcript(display.stdout_text(), {{"kofi", {"no server needed"}}},
                   {.from = window.from, .to = std::time(nullptr)});
}

TEST_CASE("a prompt reading a pipe delivers every line before exiting 0 at end of input") {
  chat_fixture chat;
  auto room = chat.start_room(affairs);
  std::vector<child_process> displays;
  for (int i = 0; i < 3; ++i) displays.push_back(chat.start_display(affairs));
  std::vector<child_process*> watching;
  for (auto& display : displays) watching.push_back(&display);
  chat.sync_displays(affairs, watching);

  // As a user would type it: printf 'a\nb\n' | imchat prompt ROOM kofi, with the
  // directory from $IMCHAT_DIRECTORY. Then a last line without its newline, and many
  // lines at once.
  const time_window window{.from = std::time(nullptr), .to = 0};
  const std::string prompt = shell_quote(IMCHAT_BINARY) + " prompt " + shell_quote(affairs);
  const std::vector<std::pair<std::string, std::string>> pipelines{
      {"kofi", "printf 'a\\nb\\n' | " + prompt + " kofi"},
      {"ban", "printf 'c\\nd' | " + prompt + " ban"},
      {"many", "seq 1 1000 | " + prompt + " many"},
  };
  for (const auto& [user, pipeline] : pipelines) {
    CAPTURE(pipeline);
    const auto result = imchat::test::run_program({"/bin/sh", "-c", pipeline},
                                                  {{"IMCHAT_DIRECTORY", chat.directory()}}, chat_timeout);
    INFO(result);
    CHECK(result.status == exit_status::exited(0));
  }
  transcript expected{{"kofi", {"a", "b"}}, {"ban", {"c", "d"}}, {"many", {}}};
  for (int n = 1; n <= 1000; ++n) expected["many"].push_back(std::to_string(n));
  for (auto& display : displays) require_stdout(display, "many: 1000\n");
  chat.sync_displays(affairs, watching);
  for (auto& display : displays)
    check_transcript(display.stdout_text(), expected, {.from = window.from, .to = std::time(nullptr)});
}

}  // TEST_SUITE
