// imchat chat: the tutorial's prompt and display in one terminal. The same wiring as
// theirs, in one application thread: a local exchange bound to the room's global queue
// Q_<room> for what the user types, a local queue bound to the room's global exchange
// E_<room> for what the room publishes. The screen and its keys are src/tui/.

#include "chat/room_name.hpp"
#include "chat/stamp.hpp"
#include "chat/stop_signal.hpp"
#include "cmd/cli.hpp"
#include "cmd/command.hpp"
#include "cmd/directory_options.hpp"
#include "cmd/join_options.hpp"
#include "cmd/key_options.hpp"
#include "cmd/speaker_options.hpp"
#include "directory/locator.hpp"
#include "kernel/api_thread.hpp"
#include "tui/chat_client.hpp"
#include "tui/log_capture.hpp"
#include "tui/terminal_screen.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>
#include <optional>
#include <pthread.h>
#include <unistd.h>

namespace imchat::cmd {

int chat_main(std::span<const std::string> args) {
  cli_spec spec("chat", "[OPTIONS] ROOM USER",
                "Chat in the chatroom ROOM as USER, in one terminal: the conversation above,\n"
                "a status line, and an input line that edits as readline's does. Each line\n"
                "entered goes to the room as \"USER: line\" and reaches it exactly once, even\n"
                "across reconnections. Ctrl-D or /quit leaves once the room has acknowledged\n"
                "every line; Ctrl-C leaves at once; /help lists the commands and keys. Needs a\n"
                "terminal: for pipes and scripts, use `imchat prompt` and `imchat display`.");
  add_speaker_options(spec, "on leaving");
  add_join_options(spec, 20);
  add_chat_options(spec, "the room");
  add_key_options(spec, "the room's", true);
  add_common_options(spec);
  po::variables_map vm;
  if (auto status = parse_command_line(spec, args, vm)) return *status;

  const auto room = vm["room"].as<std::string>();
  const auto user = vm["user"].as<std::string>();
  if (auto problem = speaker_problem(vm)) return usage_error(spec, *problem);
  auto join = join_options_from(vm);
  if (auto* problem = std::get_if<std::string>(&join)) return usage_error(spec, *problem);
  const auto joining = std::get<bind_options>(join);
  if (::isatty(STDIN_FILENO) != 1 || ::isatty(STDOUT_FILENO) != 1) {
    std::cerr << "imchat chat: needs a terminal for its standard input and output; to send lines "
                 "from a pipe or a script use `imchat prompt ROOM USER`, to print a room's messages "
                 "`imchat display ROOM`\n";
    return exit_failure;
  }
  const auto keys = keys_from(vm);

  //  A resize (SIGWINCH) must reach ncurses' handler on this thread, the screen's: every
  //  thread started from here on inherits it blocked, and this one takes it again below.
  sigset_t resize;
  sigemptyset(&resize);
  sigaddset(&resize, SIGWINCH);
  pthread_sigmask(SIG_BLOCK, &resize, nullptr);
  chat::stop_signal stop;
  //  The log goes into the conversation while the screen is up: errors always, and what
  //  --log-level asks for when it is given.
  const auto level = vm["log-level"].defaulted() ? spdlog::level::err : spdlog::get_level();
  tui::log_capture logs(level);

  //  One application thread and one I/O thread; the connection notices switched on.
  dispatcher dispatcher(2);
  directory::locator locator(directory_address(vm), locator_options_from(vm, peer_timeout_from(vm), keys));
  auto io = io_thread::create(dispatcher);
  kernel_options kernel;
  kernel.peer_timeout = peer_timeout_from(vm);
  kernel.key = keys.own;
  auto api = api_thread::create(dispatcher, &locator, kernel);
  for (const auto notice : {message_type::gap, message_type::disconnected, message_type::reconnected})
    api->mask(notice);
  pthread_sigmask(SIG_UNBLOCK, &resize, nullptr);

  tui::chat_ending ending;
  try {
    //  The wiring: a local exchange for what is said, a local queue for what is heard,
    //  bound to the room's global objects once the directory has them.
    const auto eid = api->create_exchange("E");
    api->create_queue("Q");
    const auto join_room = [&] {
      api->bind("E", chat::queue_name(room), io.get(), io.get());
      api->bind(chat::exchange_name(room), "Q", io.get(), io.get(), joining);
    };

    //  The business logic: the conversation, typed lines as "USER: line".
    const auto longest = chat::longest_relayable(kernel.max_message_size);
    tui::chat_client client(*api, locator, eid, join_room,
                            {.room = room,
                             .user = user,
                             .max_line_bytes = longest > user.size() + 2 ? longest - user.size() - 2 : 0,
                             .linger = linger_from(vm),
                             .deadline = wait_policy_from(vm, stop).deadline},
                            stop, logs);
    try {
      tui::terminal_screen screen;
      ending = client.run(screen);
    } catch (const std::runtime_error& e) {
      if (dynamic_cast<const std::system_error*>(&e)) throw;
      std::cerr << "imchat chat: " << e.what() << "\n";
      return exit_failure;
    }
  } catch (const std::system_error& e) {
    rethrow_with_key_advice(e, locator, room);
  }
  for (const auto& line : ending.messages) std::cerr << line << "\n";
  return ending.status;
}

}  // namespace imchat::cmd
