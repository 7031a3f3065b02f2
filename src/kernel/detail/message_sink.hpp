#pragma once
// Where an exchange's messages leave the process: a subscriber's connection to a global
// exchange, or this process's binding to a remote queue. Lives on one I/O thread and is
// only called there.

#include "kernel/detail/encoded_batch.hpp"
#include "kernel/message.hpp"

#include <span>

namespace imchat::detail {

class message_sink {
 public:
  virtual ~message_sink() = default;
  // Takes a batch of messages, also offered as frames encoded once for all the sinks that
  // send them as they are; called on the sink's I/O thread.
  virtual void deliver(std::span<const message> batch, encoded_batch& encoded) = 0;
};

}  // namespace imchat::detail
