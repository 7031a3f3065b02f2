// imchat prompt: the tutorial's prompt. A local exchange bound to the room's global
// queue Q_<room>; every line read from standard input goes to the room as "USER: line".

#include "chat/line_reader.hpp"
#include "chat/room_name.hpp"
#include "chat/stamp.hpp"
#include "chat/stop_signal.hpp"
#include "chat/waiting.hpp"
#include "cmd/cli.hpp"
#include "cmd/command.hpp"
#include "cmd/directory_options.hpp"
#include "cmd/key_options.hpp"
#include "cmd/speaker_options.hpp"
#include "directory/locator.hpp"
#include "kernel/api_thread.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <unistd.h>

namespace imchat::cmd {

using namespace std::chrono_literals;


int prompt_main(std::span<const std::string> args) {
  cli_spec spec("prompt", "[OPTIONS] ROOM USER",
                "Send each line of standard input to the chatroom ROOM as \"USER: line\".\n"
                "Waits for the room if it is not running yet. Every line reaches the room\n"
                "exactly once, even across reconnections: lines are kept until the room\n"
                "acknowledges them and sent again after a reconnection. At end of input,\n"
                "waits until the room has acknowledged every line, then exits.");
  add_speaker_options(spec, "at end of input");
  spec.options.add_options()
      ("buffer", po::value<std::size_t>()->default_value(100'000)->value_name("LINES"),
       "lines kept unacknowledged; beyond that, reading pauses until the room catches up");
  add_chat_options(spec, "the room");
  add_key_options(spec, "the room's", true);
  add_common_options(spec);
  po::variables_map vm;
  if (auto status = parse_command_line(spec, args, vm)) return *status;

  const auto room = vm["room"].as<std::string>();
  const auto user = vm["user"].as<std::string>();
  if (auto problem = speaker_problem(vm)) return usage_error(spec, *problem);
  if (vm["buffer"].as<std::size_t>() < 1) return usage_error(spec, "--buffer must be at least 1");

  const auto keys = keys_from(vm);

  chat::stop_signal stop;
  const auto waiting = wait_policy_from(vm, stop);

  //  One application thread and one I/O thread.
  dispatcher dispatcher(2);
  directory::locator locator(directory_address(vm), locator_options_from(vm, peer_timeout_from(vm), keys));
  auto io = io_thread::create(dispatcher);
  kernel_options kernel;
  kernel.send_window.max_messages = vm["buffer"].as<std::size_t>();
  kernel.peer_timeout = peer_timeout_from(vm);
  kernel.key = keys.own;
  auto api = api_thread::create(dispatcher, &locator, kernel);
  try {
    //  The wiring: a local exchange bound to the room's global queue.
    const auto eid = api->create_exchange("E");
    if (!chat::wait_for_name(locator, chat::queue_name(room), "the room '" + room + "'", waiting))
      return stop.requested() ? exit_ok : exit_failure;
    api->bind("E", chat::queue_name(room), io.get(), io.get());

    //  The business logic: each line, prefixed by the user's name. A line too long for the
    //  room to stamp and relay is said and skipped: the room must never acknowledge a line
    //  it would then drop.
    const auto longest = chat::longest_relayable(kernel.max_message_size);
    const auto prefix = user + ": ";
    std::uint64_t line_number = 0, too_long = 0;
    // Longer lines are measured, not kept: they could not be sent anyway.
    chat::line_reader lines(STDIN_FILENO, longest > prefix.size() ? longest - prefix.size() + 1 : 1);
    //  A room that refuses this side's key ends the input too: flush() below says why.
    while (auto line = lines.next([&] { return stop.requested() || api->failure(); })) {
      ++line_number;
      if (!line->too_long && !line->text.empty() && line->text.back() == '\r') line->text.pop_back();
      const auto size = prefix.size() + (line->too_long ? line->length : line->text.size());
      if (line->too_long || size > longest) {
        std::cerr << "imchat prompt: line " << line_number << " not sent: " << size
                  << " bytes with the user name, over the " << longest << " a room relays\n";
        ++too_long;
        continue;
      }
      const message m(prefix + line->text);
      //  Waits while --buffer lines are unacknowledged, but not past a stop request.
      bool sent = false;
      while (!(sent = api->send(eid, m, 200ms)) && !stop.requested()) {
      }
      if (!sent) break;
    }

    const auto linger = linger_from(vm);
    if (!api->flush(linger)) {
      const auto left = api->unacknowledged();
      std::cerr << "imchat prompt: " << left << (left == 1 ? " line was" : " lines were")
                << " not acknowledged by the room within the linger time (" << vm["linger"].as<double>()
                << " s)\n";
      return exit_failure;
    }
    if (too_long > 0) {
      std::cerr << "imchat prompt: " << too_long << (too_long == 1 ? " line was" : " lines were")
                << " too long and not sent\n";
      return exit_failure;
    }
    return exit_ok;
  } catch (const std::system_error& e) {
    rethrow_with_key_advice(e, locator, room);
  }
}

}  // namespace imchat::cmd
