#pragma once
// imchat chat's interactive loop: one thread that reads keys, edits the input line, sends
// what is entered to the room, shows what the room publishes and what the connection
// notices mean, and redraws the screen. It never blocks on the kernel: lines go into an
// outbox when the room is not found yet or the send window is full, and the loop polls
// for keys and messages in turn (at most 20 ms apart).
//
// The same guarantees as prompt and display: every line entered reaches the room once
// (the kernel's publishing binding resends what a reconnection lost), the tutorial's
// "Problems connecting to the chatroom..." and the exact count of what was lost appear in
// the conversation, and every message is escaped before it is drawn.

#include "chat/stop_signal.hpp"
#include "directory/locator.hpp"
#include "kernel/api_thread.hpp"
#include "tui/log_capture.hpp"
#include "tui/terminal_screen.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace imchat::tui {

struct chat_client_options {
  std::string room;
  std::string user;
  std::size_t max_line_bytes = 0;  // of what is typed, without the user's name
  std::chrono::milliseconds linger{10'000};
  std::optional<std::chrono::steady_clock::time_point> deadline;  // for finding the room
};

// How the client ended: the exit status, and what to say on standard error once the
// terminal is restored.
struct chat_ending {
  int status = 0;
  std::vector<std::string> messages;
};

class chat_client {
 public:
  // `join` binds the client's exchange and queue to the room, once the directory has it.
  chat_client(api_thread& api, directory::locator& directory, exchange_id out, std::function<void()> join,
              chat_client_options options, const chat::stop_signal& stop, log_capture& logs);

  // Until the user leaves (Ctrl-D, /quit, Ctrl-C) or the room cannot be found in time.
  // Throws what the kernel throws (the keys do not allow a connection).
  chat_ending run(terminal_screen& screen);

 private:
  struct state;

  api_thread& api_;
  directory::locator& directory_;
  const exchange_id out_;
  const std::function<void()> join_;
  const chat_client_options options_;
  const chat::stop_signal& stop_;
  log_capture& logs_;
};

}  // namespace imchat::tui
