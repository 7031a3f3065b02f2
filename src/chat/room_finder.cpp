#include "chat/room_finder.hpp"

#include "chat/room_name.hpp"

#include <mutex>

namespace imchat::chat {

using namespace std::chrono_literals;

struct room_finder::answers {
  std::mutex mutex;
  int outstanding = 0;  // lookups asked and not answered
  bool queue_found = false;
  bool exchange_found = false;
  std::vector<std::string> endpoints;
};

room_finder::room_finder(directory::locator& directory, std::string room)
    : directory_(directory), room_(std::move(room)), answers_(std::make_shared<answers>()) {}

room_finder::state room_finder::poll(std::chrono::steady_clock::time_point now) {
  if (found_) return state::found;
  {
    std::lock_guard lock(answers_->mutex);
    if (answers_->queue_found && answers_->exchange_found) {
      found_ = true;
      return state::found;
    }
    if (answers_->outstanding > 0 || now < next_ask_) {
      return directory_.connected() ? state::waiting_for_room : state::waiting_for_directory;
    }
    answers_->outstanding = 2;
  }
  next_ask_ = now + 250ms;
  for (const bool exchange : {true, false}) {
    directory_.async_lookup(exchange ? exchange_name(room_) : queue_name(room_),
                            [state = answers_, exchange](std::error_code ec, std::optional<wire::record> record) {
                              std::lock_guard lock(state->mutex);
                              --state->outstanding;
                              const bool there = !ec && record.has_value();
                              if (!exchange) {
                                state->queue_found = there;
                              } else {
                                state->exchange_found = there;
                                if (there) state->endpoints = record->endpoints;
                              }
                            });
  }
  return directory_.connected() ? state::waiting_for_room : state::waiting_for_directory;
}

std::vector<std::string> room_finder::endpoints() const {
  std::lock_guard lock(answers_->mutex);
  return answers_->endpoints;
}

void room_finder::refresh() {
  directory_.async_lookup(exchange_name(room_), [state = answers_](std::error_code ec, std::optional<wire::record> record) {
    if (ec || !record) return;
    std::lock_guard lock(state->mutex);
    state->endpoints = record->endpoints;
  });
}

}  // namespace imchat::chat
