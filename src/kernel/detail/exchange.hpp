#pragma once
// An exchange: the tutorial's object that an application sends to. It delivers each
// message to every queue bound to it: in-process queues directly, remote ones through a
// fanout_pipe per I/O thread, which shares the message's bytes instead of copying them.
// Only the thread that created it sends to it; any thread may bind to it.
//
// Every data message it sends gets the next number of its history_ring, which also keeps
// the latest ones for subscribers that reconnect; older ones come from the application's
// archive, if it keeps one (a room's log). Its incarnation, random per exchange object
// unless carried on from an earlier run, tells a subscriber whether numbers it saw before
// still mean anything here.

#include "kernel/detail/fanout_pipe.hpp"
#include "kernel/detail/history_ring.hpp"
#include "kernel/message.hpp"
#include "kernel/detail/queue.hpp"
#include "kernel/scope.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <vector>

namespace imchat::detail {

class exchange {
 public:
  exchange(std::string name, imchat::scope scope, history_limits history = {.max_messages = 0});
  // Carried on from an earlier run (exchange_state).
  exchange(std::string name, imchat::scope scope, history_limits history, const exchange_state& state);

  const std::string& name() const noexcept { return name_; }
  imchat::scope scope() const noexcept { return scope_; }
  std::uint64_t incarnation() const noexcept { return incarnation_; }
  // Whether a subscriber of an earlier incarnation still gets all of this one
  // (history_limits::restart_replay).
  bool replays_to_earlier_subscribers() const noexcept {
    return std::chrono::steady_clock::now() - born_ < restart_replay_;
  }
  const history_ring& history() const noexcept { return history_; }

  // What a subscriber can be sent of what was published: from the in-memory history, and
  // before it from the archive (any I/O thread). read() gives the messages numbered
  // `from` and on, about `max_bytes` of them; its `first` is past `from` if those are gone.
  history_ring::slice read(std::uint64_t from, std::size_t max_bytes) const;
  // The oldest message's number that read() can give (the next number when none).
  std::uint64_t oldest() const;
  // The number of the first message published at `time` or later that read() can give.
  std::uint64_t first_since(std::chrono::system_clock::time_point time) const;

  // Delivers to every bound queue, in-process ones first; order per sender is kept.
  // Waits while a remote queue's send window is full, until `deadline` if one is given;
  // returns false (the message went nowhere) if there was still no room then.
  bool send(const message& m, std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);

  // Binds an in-process queue (any thread).
  void bind(std::shared_ptr<queue> target);

  // The pipe to `io` (created on first use), shared by the sinks on that I/O thread that
  // never hold the sender back (subscribers): attach them to it on that thread.
  std::shared_ptr<fanout_pipe> pipe_to(boost::asio::io_context& io);
  // Whether every message sent has been taken from every pipe by its I/O thread.
  bool pipes_empty() const;

  // A pipe of its own, for a sink with a send window (a publishing binding).
  std::shared_ptr<fanout_pipe> add_pipe(boost::asio::io_context& io, std::shared_ptr<send_window> window);

 private:
  std::shared_ptr<fanout_pipe> add_pipe_locked(std::shared_ptr<fanout_pipe> pipe);

  const std::string name_;
  const imchat::scope scope_;
  const std::uint64_t incarnation_;
  const std::chrono::steady_clock::time_point born_ = std::chrono::steady_clock::now();
  const std::chrono::milliseconds restart_replay_;
  history_ring history_;
  const std::shared_ptr<imchat::archive> archive_;  // null: the history is all there is
  struct targets {
    std::vector<std::shared_ptr<queue>> queues;
    std::vector<std::shared_ptr<fanout_pipe>> pipes;
  };
  // Copied on bind, shared on send: a sender that waits on a full queue holds no lock
  // that a binding thread needs.
  mutable std::mutex mutex_;
  std::shared_ptr<const targets> targets_ = std::make_shared<targets>();
};

}  // namespace imchat::detail
