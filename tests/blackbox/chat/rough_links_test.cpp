// Exactly once over links that break mid-stream: a prompt reaches its room, and a display
// reaches it too, each through a fault proxy that the test cuts (resets) again and again
// and slows down, while lines flow. Resets lose whatever was in flight, acknowledgements
// included; the sequence numbers must make up for it: every line reaches the display
// once, in order, and no gap line is printed, since nothing had to be given up.
//
// To put the proxies in the path, the prompt and the display use directories of their
// own where the test registers the room's queue and exchange with the proxies' ports.

#include "blackbox/chat/chat_fixture.hpp"
#include "blackbox/chat/chat_lines.hpp"
#include "blackbox/directory/running_directory.hpp"
#include "support/fault_proxy.hpp"
#include "support/held_registration.hpp"
#include "support/tcp_ports.hpp"
#include "support/imchat_binary.hpp"

#include <doctest/doctest.h>

#include <thread>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::fault_proxy;
using imchat::test::free_tcp_port;
using imchat::test::held_registration;
using imchat::test::running_directory;
using namespace imchat::test::chat;
namespace wire = imchat::wire;

TEST_SUITE("chat: delivery") {

TEST_CASE("lines through links that are cut again and again reach every display exactly once in order") {
  chat_fixture chat;
  const auto in_port = free_tcp_port(), out_port = free_tcp_port();
  auto room = chat.start_room("rough", {"127.0.0.1:" + std::to_string(in_port), "127.0.0.1:" + std::to_string(out_port)});

  fault_proxy to_queue(in_port), to_exchange(out_port);
  running_directory proxied;
  held_registration queue_name(proxied.port(), wire::object_kind::queue, "Q_rough",
                               {"127.0.0.1:" + std::to_string(to_queue.port())});
  held_registration exchange_name(proxied.port(), wire::object_kind::exchange, "E_rough",
                                  {"127.0.0.1:" + std::to_string(to_exchange.port())});

  // One display through the proxy, one straight to the room as the reference.
  child_process rough_display({IMCHAT_BINARY, "display", "rough", "--directory", proxied.address()});
  auto plain_display = chat.start_display("rough");
  chat.sync_displays("rough", {&rough_display, &plain_display});
  child_process kofi({IMCHAT_BINARY, "prompt", "rough", "kofi", "--directory", proxied.address(), "--linger", "30"});

  constexpr int rounds = 8, per_round = 250;
  std::vector<std::string> said;
  for (int round = 0; round < rounds; ++round) {
    std::string text;
    for (int i = 1; i <= per_round; ++i) {
      said.push_back("round " + std::to_string(round) + " line " + std::to_string(i));
      text += said.back() + "\n";
    }
    to_queue.set_delay(round % 2 ? 20ms : 0ms);
    to_exchange.set_delay(round % 3 ? 0ms : 20ms);
    REQUIRE(kofi.write_stdin(text));
    std::this_thread::sleep_for(50ms);  // some of it in flight, some acknowledged
    (round % 2 ? to_exchange : to_queue).cut();
    rough_display.stdout_text();  // keep reading what the displays print
    plain_display.stdout_text();
  }
  kofi.close_stdin();
  check_exits_0(kofi);  // every line acknowledged by the room

  for (auto* display : {&rough_display, &plain_display}) {
    require_stdout(*display, "kofi: " + said.back() + "\n");
    const auto output = display->stdout_text();
    INFO("display stdout:\n" << output);
    check_transcript(without_outage_lines(output), {{"kofi", said}}, {.from = 0, .to = std::time(nullptr)});
    // A cut is mended at once; should a reconnection take over a second (a loaded
    // machine), the display says so and then that nothing was lost, never a loss.
    CHECK(occurrences(output, problems_line) == occurrences(output, "Back in the chatroom: nothing was lost."));
    CHECK(occurrences(output, back_line_start) == occurrences(output, "Back in the chatroom: nothing was lost."));
  }
  // The cuts happened: each proxy carried several connections in turn.
  CHECK(to_queue.accepted_connections() >= rounds / 2);
  CHECK(to_exchange.accepted_connections() >= rounds / 2);
}

}  // TEST_SUITE
