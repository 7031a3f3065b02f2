#pragma once
// A queue: the tutorial's object that an application receives from. Any thread may put
// messages in (an in-process exchange, an I/O thread reading a connection); only the
// application thread that owns it takes them out.
//
// High-water policy (both bounds, messages and bytes):
// - an in-process sender that finds the queue full waits until the owner makes room
//   (backpressure, as a ZeroMQ PUSH socket does); the owner itself, which would wait
//   forever, has the message dropped and a gap notice queued instead;
// - an I/O thread that finds it full stops reading that connection, so TCP pushes back
//   on the remote sender, and resumes once the queue has drained to half its bounds.
// Nothing is dropped silently.

#include "kernel/options.hpp"
#include "kernel/message.hpp"
#include "kernel/scope.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace imchat::detail {

// What the owning application thread sleeps on; every queue of one thread shares it, so
// that one receive() waits for all of them.
struct receive_signal {
  std::mutex mutex;
  std::condition_variable arrived;  // a message was queued
  std::condition_variable room;     // a message was taken
  std::thread::id owner;
  // Set (under the mutex, with `arrived` notified) when a binding gave up for good: what
  // api_thread::failure() reports.
  std::optional<std::system_error> failure;
};

class queue {
 public:
  queue(std::string name, imchat::scope scope, std::shared_ptr<receive_signal> signal,
        queue_limits limits = {});

  const std::string& name() const noexcept { return name_; }
  imchat::scope scope() const noexcept { return scope_; }

  // For I/O threads: queues as many of `batch` as fit and returns how many. When not all
  // fit, `resume` is called (on the receiving thread; post it to your own) once the queue
  // has drained to half its bounds.
  std::size_t push_some(std::span<message> batch, std::function<void()> resume);

  // For in-process senders: waits while the queue is full (see the policy above).
  void push_wait(message m);

  // Queues a gap notice of `lost` messages (0: unknown). A gap right after another one is
  // the same outage: the two merge into one notice (the counts add up; unknown wins).
  void push_gap(std::uint64_t lost = 0);

  // Queues a connection notice (message_type::disconnected or reconnected). A connection
  // that breaks again before the owner has seen that it was back is, for the owner, the
  // same outage: the unseen `reconnected` goes and no second `disconnected` comes, so a
  // queue nobody reads holds at most one outage's notices however often a link flaps.
  void push_notice(message_type type);

  // Owner only, with signal().mutex held: the next message, if any.
  std::optional<message> pop_locked();
  // The same for up to `max` messages at once, appended to `into`: returns how many.
  std::size_t pop_many_locked(std::vector<message>& into, std::size_t max);

  receive_signal& signal() noexcept { return *signal_; }

 private:
  bool full_locked(std::size_t extra_bytes) const noexcept;
  void push_locked(message&& m);
  // After taking: wakes senders waiting for room, and resumes sources once at half.
  void taken_locked();

  const std::string name_;
  const imchat::scope scope_;
  const std::shared_ptr<receive_signal> signal_;
  const queue_limits limits_;
  std::deque<message> items_;
  std::size_t bytes_ = 0;
  std::vector<std::function<void()>> waiting_sources_;
};

}  // namespace imchat::detail
