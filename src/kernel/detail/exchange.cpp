#include "kernel/detail/exchange.hpp"

#include "util/random_id.hpp"

#include <algorithm>

namespace imchat::detail {

exchange::exchange(std::string name, imchat::scope scope, history_limits history)
    : name_(std::move(name)),
      scope_(scope),
      incarnation_(random_id()),
      restart_replay_(history.restart_replay),
      history_(history) {}

exchange::exchange(std::string name, imchat::scope scope, history_limits history, const exchange_state& state)
    : name_(std::move(name)),
      scope_(scope),
      incarnation_(state.incarnation ? state.incarnation : random_id()),
      restart_replay_(history.restart_replay),
      history_(history, state.next, state.recent),
      archive_(state.archive) {}

history_ring::slice exchange::read(std::uint64_t from, std::size_t max_bytes) const {
  // The history's bounds first: what the archive gives must end before what the history
  // numbered next (the archive may hold messages stored and not sent yet).
  const auto next = history_.next();
  if (!archive_ || from >= history_.oldest() || from >= next) return history_.read(from, max_bytes);
  auto stored = archive_->read(from, next, max_bytes);
  if (stored.messages.empty() && stored.first >= history_.oldest()) return history_.read(stored.first, max_bytes);
  return {.first = stored.first, .next = next, .messages = std::move(stored.messages)};
}

std::uint64_t exchange::oldest() const {
  const auto kept = history_.oldest();
  return archive_ ? std::min(kept, archive_->oldest()) : kept;
}

std::uint64_t exchange::first_since(std::chrono::system_clock::time_point time) const {
  if (archive_) return archive_->first_since(time, history_.next());
  return history_.first_since(time);
}

bool exchange::send(const message& original, std::optional<std::chrono::steady_clock::time_point> deadline) {
  std::shared_ptr<const targets> current;
  {
    std::lock_guard lock(mutex_);
    current = targets_;
  }
  // Room in every send window first: a message goes to every bound queue or to none.
  const bool windowed = original.type() == message_type::data;
  for (auto pipe = current->pipes.begin(); windowed && pipe != current->pipes.end(); ++pipe) {
    auto* window = (*pipe)->window();
    if (!window || window->acquire(original.size(), deadline)) continue;
    for (auto taken = current->pipes.begin(); taken != pipe; ++taken)
      if (auto* given = (*taken)->window()) given->release(1, original.size());
    return false;
  }
  // Numbered before it is delivered anywhere: a subscriber attaching meanwhile reads the
  // history and then takes the pipe's messages from where the history ended.
  message m = original;
  // Times only where the history is all there is: with an archive, it answers `since`
  // (and the clock stays off this per-message path).
  if (m.type() == message_type::data)
    history_.append(m, archive_ ? std::chrono::system_clock::time_point{} : std::chrono::system_clock::now());
  for (const auto& target : current->queues) target->push_wait(m);
  for (const auto& pipe : current->pipes) pipe->post(m);
  return true;
}

void exchange::bind(std::shared_ptr<queue> target) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<targets>(*targets_);
  next->queues.push_back(std::move(target));
  targets_ = std::move(next);
}

std::shared_ptr<fanout_pipe> exchange::pipe_to(boost::asio::io_context& io) {
  std::lock_guard lock(mutex_);
  for (const auto& pipe : targets_->pipes)
    if (&pipe->context() == &io && !pipe->window()) return pipe;
  return add_pipe_locked(std::make_shared<fanout_pipe>(io));
}

bool exchange::pipes_empty() const {
  std::shared_ptr<const targets> current;
  {
    std::lock_guard lock(mutex_);
    current = targets_;
  }
  return std::all_of(current->pipes.begin(), current->pipes.end(), [](const auto& pipe) { return pipe->empty(); });
}

std::shared_ptr<fanout_pipe> exchange::add_pipe(boost::asio::io_context& io, std::shared_ptr<send_window> window) {
  std::lock_guard lock(mutex_);
  return add_pipe_locked(std::make_shared<fanout_pipe>(io, std::move(window)));
}

std::shared_ptr<fanout_pipe> exchange::add_pipe_locked(std::shared_ptr<fanout_pipe> pipe) {
  auto next = std::make_shared<targets>(*targets_);
  next->pipes.push_back(pipe);
  targets_ = std::move(next);
  return pipe;
}

}  // namespace imchat::detail
