#include "kernel/exchange.hpp"

namespace imchat {

void exchange::send(const message& m) {
  std::shared_ptr<const targets> current;
  {
    std::lock_guard lock(mutex_);
    current = targets_;
  }
  for (const auto& target : current->queues) target->push_wait(m);
  for (const auto& pipe : current->pipes) pipe->post(m);
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
    if (&pipe->context() == &io) return pipe;
  auto next = std::make_shared<targets>(*targets_);
  auto pipe = next->pipes.emplace_back(std::make_shared<fanout_pipe>(io));
  targets_ = std::move(next);
  return pipe;
}

}  // namespace imchat
