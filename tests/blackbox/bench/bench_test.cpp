// imchat bench measures what it claims: a clean run counts every delivery and exits 0,
// a run that loses messages says so and exits 1.

#include "blackbox/chat/chat_fixture.hpp"
#include "support/run_program.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <thread>

#include "support/regex.hpp"
#include "support/imchat_binary.hpp"

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::exit_status;
using imchat::test::run_program;
using namespace imchat::test::chat;

namespace {

// The number a JSON result gives `key` (-1 when absent).
long long json_number(const std::string& json, const std::string& key) {
  std::smatch found;
  if (!std::regex_search(json, found, std::regex("\"" + key + "\": (-?[0-9]+)"))) return -1;
  return std::stoll(found[1]);
}

}  // namespace

TEST_SUITE("bench") {
  TEST_CASE("a run with a room of its own delivers every message to every display and exits 0") {
    const auto result = run_program({IMCHAT_BINARY, "bench", "--senders", "2", "--displays", "3",
                                     "--display-threads", "2", "--count", "20000", "--window", "5000", "--json"},
                                    {}, 60s);
    INFO(result);
    CHECK(result.status == exit_status::exited(0));
    const auto& json = result.stdout_text;
    CHECK(json_number(json, "sent") == 20000);
    CHECK(json_number(json, "expected") == 60000);
    CHECK(json_number(json, "delivered") == 60000);
    CHECK(json_number(json, "lost") == 0);
    CHECK(json_number(json, "duplicated") == 0);
    CHECK(json_number(json, "gaps") == 0);
    CHECK(json_number(json, "count") == 20000);
    CHECK(json.find("\"clean\": true") != std::string::npos);
    CHECK(json.find("\"room_rss_kib\"") != std::string::npos);
  }

  TEST_CASE("the table names every figure and says there was no loss") {
    const auto result = run_program({IMCHAT_BINARY, "bench", "--count", "2000", "--rate", "4000"}, {}, 60s);
    INFO(result);
    CHECK(result.status == exit_status::exited(0));
    for (const auto* word : {"sent", "delivered", "lost", "duplicated", "reordered", "p50", "p99.9", "max",
                             "intended send time", "result: no loss"})
      CHECK(result.stdout_text.find(word) != std::string::npos);
  }

  TEST_CASE("a room killed in the middle of a run is reported as loss and exits 1") {
    chat_fixture chat;
    auto room = chat.start_room("doomed");
    child_process bench(chat.argv({"bench", "doomed", "--rate", "2000", "--count", "8000", "--drain-timeout", "1",
                                   "--json"}));
    //  The first progress line comes a second into the measured messages.
    REQUIRE(bench.wait_for_stderr("delivered", chat_timeout));
    REQUIRE(room.send_signal(SIGKILL));
    const auto status = bench.wait_exit(60s);
    INFO("stdout:\n" << bench.stdout_text() << "\nstderr:\n" << bench.stderr_text());
    REQUIRE(status.has_value());
    CHECK(*status == exit_status::exited(1));
    const auto json = bench.stdout_text();
    CHECK(json_number(json, "lost") > 0);
    CHECK(json_number(json, "delivered") < json_number(json, "expected"));
    CHECK(json.find("\"clean\": false") != std::string::npos);
  }

  TEST_CASE("latency is measured from the intended send time - a room stalled on purpose shows in p99") {
    chat_fixture chat;
    auto room = chat.start_room("stalled", {"--memory-only"});
    //  A small window: while the room is stopped the senders cannot send either, so the
    //  messages they send late are timed from when they were meant to go. Timed from the
    //  actual send they would look fast, and the stall would vanish from the figures.
    child_process bench(chat.argv({"bench", "stalled", "--rate", "1000", "--duration", "5", "--window", "50",
                                   "--json"}));
    REQUIRE(bench.wait_for_stderr("delivered", chat_timeout));  // a second into the measured messages
    REQUIRE(room.send_signal(SIGSTOP));
    std::this_thread::sleep_for(1s);
    REQUIRE(room.send_signal(SIGCONT));
    const auto status = bench.wait_exit(60s);
    INFO("stdout:\n" << bench.stdout_text() << "\nstderr:\n" << bench.stderr_text());
    REQUIRE(status.has_value());
    CHECK(*status == exit_status::exited(0));  // nothing lost: only late
    const auto json = bench.stdout_text();
    CHECK(json_number(json, "lost") == 0);
    //  About 1000 of the 5000 messages were meant to go during the stall, 20 %, each late
    //  by what was left of it: the slowest 10 % are half a second late or more, the worst a
    //  second. Timed from the actual send, only the few sent before the window closed
    //  would be late, under 2 % of them: p90 would not move.
    std::smatch latency;
    REQUIRE(std::regex_search(json, latency, std::regex("\"latency_ns\": \\{[^}]*\"p90\": ([0-9]+)[^}]*\"p99\": ([0-9]+)[^}]*\"max\": ([0-9]+)")));
    CHECK(std::stoll(latency[1]) >= 250'000'000);
    CHECK(std::stoll(latency[2]) >= 700'000'000);
    CHECK(std::stoll(latency[3]) >= 900'000'000);
  }

  TEST_CASE("the JSON result quotes a room name with quotes in it") {
    const auto result = run_program({IMCHAT_BINARY, "bench", "say \"hi\" \\o/", "--host-room", "--count", "100",
                                     "--json"},
                                    {}, 60s);
    INFO(result);
    CHECK(result.status == exit_status::exited(0));
    CHECK(result.stdout_text.find(R"("room": "say \"hi\" \\o/",)") != std::string::npos);
  }

  TEST_CASE("bench usage errors exit 2") {
    for (const std::vector<std::string>& args : {std::vector<std::string>{"--duration", "3"},
                                                {"--size", "10"},
                                                {"--rate", "0"},
                                                {"--senders", "0"},
                                                {"--count", "1", "--senders", "2"}}) {
      std::vector<std::string> argv{IMCHAT_BINARY, "bench"};
      argv.insert(argv.end(), args.begin(), args.end());
      const auto result = run_program(argv);
      INFO(result);
      CHECK(result.status == exit_status::exited(2));
    }
  }
}
