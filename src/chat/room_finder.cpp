#include "chat/room_finder.hpp"

#include "chat/room_name.hpp"

#include <mutex>

namespace imchat::chat {

struct room_finder::answers {
  std::mutex mutex;
  bool queue_found = false;
  bool exchange_found = false;
  std::vector<std::string> endpoints;
};

room_finder::room_finder(directory::locator& directory, std::string room)
    : directory_(directory), room_(std::move(room)), answers_(std::make_shared<answers>()) {}

room_finder::state room_finder::poll(std::chrono::steady_clock::time_point) {
  if (found_) return state::found;
  if (waits_.empty())
    for (const bool exchange : {true, false})
      waits_.push_back(directory_.async_await(
          exchange ? exchange_name(room_) : queue_name(room_),
          [state = answers_, exchange](std::error_code ec, std::optional<wire::record> record) {
            if (ec || !record) return;  // the locator gave up: its failure() says why
            std::lock_guard lock(state->mutex);
            if (!exchange) {
              state->queue_found = true;
            } else {
              state->exchange_found = true;
              state->endpoints = record->endpoints;
            }
          }));
  {
    std::lock_guard lock(answers_->mutex);
    if (answers_->queue_found && answers_->exchange_found) {
      found_ = true;
      waits_.clear();
      return state::found;
    }
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
