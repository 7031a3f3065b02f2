#pragma once
// What a room does with each message its queue received: stamps it (the tutorial's
// business logic) and relays it to the room's exchange. With a log, nothing is relayed
// or acknowledged before it is stored: messages taken are kept as a batch; store() logs
// the batch and the streams it came from in one transaction, then acknowledges those
// streams to their publishers and relays the batch, numbered as the log numbered it. A
// batch the log cannot take (a full disk) stays, unacknowledged, for the next store():
// the prompts keep their lines meanwhile, and the room takes nothing more in.

#include "kernel/api_thread.hpp"
#include "store/room_log.hpp"

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

namespace imchat::chat {

class room_relay {
 public:
  // `log` null: memory only, today's tutorial room (a message is acknowledged once it is
  // queued, and relayed as it is taken). The exchange `out` must have been created from
  // the log's state (its numbering goes on from log->next()).
  room_relay(api_thread& api, std::string queue_name, exchange_id out, std::size_t max_message_size,
             store::room_log* log);

  // One message received from the room's queue, stamped with `now`.
  void take(const message& in, std::time_t now = std::time(nullptr));

  // Logs, acknowledges and relays what was taken since the last store(). False if the log
  // could not take it (said at error level once per outage): the batch waits.
  bool store();

  // Taken and not stored yet; how many more the room may take now (none while the log
  // is failing), and whether it may take any.
  std::size_t waiting() const noexcept { return batch_.size(); }
  std::size_t room_to_take() const noexcept {
    if (!log_) return max_batch;
    return failing_ || batch_.size() >= max_batch ? 0 : max_batch - batch_.size();
  }
  bool may_take() const noexcept { return room_to_take() > 0; }

  // About once a second: the log's fsync and retention.
  void tick();

  std::uint64_t relayed() const noexcept { return relayed_; }

  // How many messages one transaction takes at most: enough to make a burst cheap
  // (SQLite commits a few hundred batches a second with fsync), few enough to keep the
  // latency of a quiet room at one commit.
  static constexpr std::size_t max_batch = 4096;

 private:
  void relay(const message& stamped_message);
  void merge_received_streams();

  api_thread& api_;
  const std::string queue_name_;
  const exchange_id out_;
  const std::size_t max_message_size_;
  store::room_log* log_;
  std::vector<message> batch_;
  std::vector<stream_record> streams_;  // of the batch and of what was dropped since
  std::uint64_t relayed_ = 0;
  bool failing_ = false;
  std::chrono::steady_clock::time_point next_retry_{};
};

}  // namespace imchat::chat
