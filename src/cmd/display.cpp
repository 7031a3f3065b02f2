// imchat display: the tutorial's display. A local queue bound to the room's global
// exchange E_<room>; every message the room publishes is printed on its own line. When
// the connection to the room breaks and is not back within a second, the tutorial's
// "Problems connecting to the chatroom..."; when it is back, how many messages were lost.

#include "chat/outage_report.hpp"
#include "chat/room_name.hpp"
#include "chat/stop_signal.hpp"
#include "chat/terminal_text.hpp"
#include "chat/waiting.hpp"
#include "cmd/cli.hpp"
#include "cmd/command.hpp"
#include "cmd/directory_options.hpp"
#include "cmd/join_options.hpp"
#include "cmd/key_options.hpp"
#include "directory/locator.hpp"
#include "kernel/api_thread.hpp"

#include <cstdio>
#include <variant>
#include <vector>
#include <unistd.h>

namespace imchat::cmd {

using namespace std::chrono_literals;

int display_main(std::span<const std::string> args) {
  cli_spec spec("display", "[OPTIONS] ROOM",
                "Print every message the chatroom ROOM publishes, one per line. Control\n"
                "characters are shown escaped, so messages can never drive the terminal.\n"
                "Waits for the room if it is not running yet.");
  add_join_options(spec, 0);
  spec.arguments.add_options()
      ("room", po::value<std::string>()->required(), "the room to watch");
  spec.positionals.add("room", 1);
  add_chat_options(spec, "the room");
  add_key_options(spec, "the room's", true);
  add_common_options(spec);
  po::variables_map vm;
  if (auto status = parse_command_line(spec, args, vm)) return *status;

  const auto room = vm["room"].as<std::string>();
  if (auto problem = chat::room_name_problem(room)) return usage_error(spec, *problem);

  auto join = join_options_from(vm);
  if (auto* problem = std::get_if<std::string>(&join)) return usage_error(spec, *problem);
  const auto joining = std::get<bind_options>(join);
  const auto keys = keys_from(vm);

  chat::stop_signal stop;
  const auto waiting = wait_policy_from(vm, stop);

  //  One application thread and one I/O thread; the connection notices switched on.
  dispatcher dispatcher(2);
  directory::locator locator(directory_address(vm), locator_options_from(vm, peer_timeout_from(vm), keys));
  auto io = io_thread::create(dispatcher);
  auto api = api_thread::create(dispatcher, &locator, {.peer_timeout = peer_timeout_from(vm), .key = keys.own});
  for (const auto notice : {message_type::gap, message_type::disconnected, message_type::reconnected})
    api->mask(notice);
  try {

    //  The wiring: a local queue bound to the room's global exchange.
    api->create_queue("Q");
    if (!chat::wait_for_name(locator, chat::exchange_name(room), "the room '" + room + "'", waiting))
      return stop.requested() ? exit_ok : exit_failure;
    api->bind(chat::exchange_name(room), "Q", io.get(), io.get(), joining);

    //  The business logic: print each message; on a terminal at once, into a pipe or a
    //  file at least every 100 ms.
    const bool terminal = ::isatty(STDOUT_FILENO) == 1;
    auto last_flush = std::chrono::steady_clock::now();
    const auto flush = [&] {
      std::fflush(stdout);
      last_flush = std::chrono::steady_clock::now();
    };
    const auto print = [](std::string_view line) {
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
    };
    chat::outage_report outages;
    std::vector<message> batch;
    while (!stop.requested()) {
      //  Everything ready at once: one lock and one wake-up for the lot.
      batch.clear();
      api->receive_many(batch, 1024, outages.down() ? 50ms : 100ms);
      const auto now = std::chrono::steady_clock::now();
      bool notice = false;
      for (const auto& m : batch) switch (m.type()) {
          case message_type::data: print(chat::terminal_safe(m.text())); break;
          case message_type::disconnected: outages.disconnected(now); notice = true; break;
          case message_type::gap: outages.gap(m.lost()); notice = true; break;
          case message_type::reconnected:
            for (const auto& line : outages.reconnected()) print(line);
            notice = true;
            break;
        }
      if (const auto line = outages.tick(now)) print(*line);
      if (terminal || batch.empty() || notice || now - last_flush >= 100ms) flush();
    }
    std::fflush(stdout);
    return exit_ok;
  } catch (const std::system_error& e) {
    std::fflush(stdout);
    rethrow_with_key_advice(e, locator, room);
  }
}

}  // namespace imchat::cmd
