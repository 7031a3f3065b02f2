#include "chat/room_relay.hpp"

#include "chat/stamp.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace imchat::chat {

using namespace std::chrono_literals;

namespace {
// How long a log that failed (a full disk) is left alone before the batch is tried again.
constexpr auto retry_interval = 1s;
}  // namespace

room_relay::room_relay(api_thread& api, std::string queue_name, exchange_id out, std::size_t max_message_size,
                       store::room_log* log)
    : api_(api), queue_name_(std::move(queue_name)), out_(out), max_message_size_(max_message_size), log_(log) {}

void room_relay::take(const message& in, std::time_t now) {
  auto out = stamped(in, now);
  // Checked before it is stored: what the log holds, the exchange must be able to send.
  if (out.size() > max_message_size_) {
    spdlog::error("message dropped: {} bytes stamped, more than the {} a message may have", out.size(),
                  max_message_size_);
    return;  // its stream still moves on at the next store(): it is not sent again
  }
  if (!log_) return relay(out);
  batch_.push_back(std::move(out));
}

void room_relay::relay(const message& stamped_message) {
  try {
    api_.send(out_, stamped_message);
    ++relayed_;
  } catch (const std::system_error& e) {
    spdlog::error("message dropped: {}", e.what());
  }
}

void room_relay::merge_received_streams() {
  for (const auto& record : api_.received_streams(queue_name_)) {
    const auto same = std::find_if(streams_.begin(), streams_.end(),
                                   [&](const stream_record& kept) { return kept.stream == record.stream; });
    if (same == streams_.end())
      streams_.push_back(record);
    else
      *same = record;  // later in the stream
  }
}

bool room_relay::store() {
  if (!log_) return true;
  merge_received_streams();
  if (batch_.empty() && streams_.empty()) return true;
  const auto now = std::chrono::steady_clock::now();
  if (failing_ && now < next_retry_) return false;
  // The exchange numbers what it sends as the log numbered it: both go on from the same
  // number, one message at a time.
  if (api_.next_sequence(out_) != log_->next())
    throw std::logic_error("the room's exchange and its log disagree on the next message's number");
  try {
    log_->append(batch_, streams_);
  } catch (const store::log_error& e) {
    if (!failing_)
      spdlog::error("cannot store {} messages; acknowledging nothing and trying again every second: {}",
                    batch_.size(), e.what());
    failing_ = true;
    next_retry_ = now + retry_interval;
    return false;
  }
  if (failing_) spdlog::info("the log takes messages again: {} stored", batch_.size());
  failing_ = false;
  api_.acknowledge(queue_name_, streams_);
  for (const auto& m : batch_) relay(m);
  batch_.clear();
  streams_.clear();
  return true;
}

void room_relay::tick() {
  if (!log_) return;
  try {
    log_->tick();
  } catch (const store::log_error& e) {
    spdlog::warn("{}", e.what());
  }
}

}  // namespace imchat::chat
