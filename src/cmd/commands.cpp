#include "cmd/command.hpp"

#include <array>

namespace imchat::cmd {

std::span<const command> all_commands() {
  static constexpr std::array<command, 7> commands{{
      {"server", "run the directory service that maps global names to endpoints", server_main},
      {"room", "run a chatroom: a global queue in, a global exchange out", room_main},
      {"prompt", "send each line of standard input to a chatroom", prompt_main},
      {"display", "print every message a chatroom publishes", display_main},
      {"chat", "talk in a chatroom and read it, in one terminal", chat_main},
      {"bench", "measure a chatroom's throughput, latency and loss", bench_main},
      {"keygen", "write a new key for a room or a directory to a file", keygen_main},
  }};
  return commands;
}

}  // namespace imchat::cmd
