#pragma once
// An exchange: the tutorial's object that an application sends to. It delivers each
// message to every queue bound to it: in-process queues directly, remote ones through a
// fanout_pipe per I/O thread, which shares the message's bytes instead of copying them.
// Only the thread that created it sends to it; any thread may bind to it.

#include "kernel/fanout_pipe.hpp"
#include "kernel/message.hpp"
#include "kernel/queue.hpp"
#include "kernel/scope.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace imchat {

class exchange {
 public:
  exchange(std::string name, imchat::scope scope) : name_(std::move(name)), scope_(scope) {}

  const std::string& name() const noexcept { return name_; }
  imchat::scope scope() const noexcept { return scope_; }

  // Delivers to every bound queue, in-process ones first; order per sender is kept.
  void send(const message& m);

  // Binds an in-process queue (any thread).
  void bind(std::shared_ptr<queue> target);

  // The pipe to `io` (created on first use): attach sinks to it on that I/O thread.
  std::shared_ptr<fanout_pipe> pipe_to(boost::asio::io_context& io);

 private:
  const std::string name_;
  const imchat::scope scope_;
  struct targets {
    std::vector<std::shared_ptr<queue>> queues;
    std::vector<std::shared_ptr<fanout_pipe>> pipes;
  };
  // Copied on bind, shared on send: a sender that waits on a full queue holds no lock
  // that a binding thread needs.
  std::mutex mutex_;
  std::shared_ptr<const targets> targets_ = std::make_shared<targets>();
};

}  // namespace imchat
