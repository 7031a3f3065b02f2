#pragma once
// Where an exchange's messages leave the process: a subscriber's connection to a global
// exchange, or this process's binding to a remote queue. Lives on one I/O thread and is
// only called there.

#include "kernel/message.hpp"

#include <span>

namespace imchat::detail {

class message_sink {
 public:
  virtual ~message_sink() = default;
  // Takes a batch of messages; called on the sink's I/O thread.
  virtual void deliver(std::span<const message> batch) = 0;
};

}  // namespace imchat::detail
