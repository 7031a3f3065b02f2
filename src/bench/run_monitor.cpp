#include "bench/run_monitor.hpp"

#include "bench/process_memory.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace imchat::bench {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch()).count();
}

std::vector<std::uint64_t> split(std::uint64_t count, unsigned senders) {
  std::vector<std::uint64_t> shares(senders, count / senders);
  for (std::uint64_t i = 0; i < count % senders; ++i) ++shares[i];
  return shares;
}

void run_state::fail(const std::string& why) {
  {
    const std::lock_guard lock(failure_mutex);
    if (failure.empty()) failure = why;
  }
  stop = true;
}

void run_state::sender_finished() {
  const auto finished = now_ns();
  for (auto last = last_send_ns.load(); last < finished && !last_send_ns.compare_exchange_weak(last, finished);) {
  }
  ++senders_done;
}

namespace {

// The room's resident memory, when the config names its process.
class memory_watch {
 public:
  explicit memory_watch(pid_t pid) : pid_(pid) {}
  std::int64_t sample() {
    const auto kib = pid_ > 0 ? resident_kib(pid_).value_or(0) : 0;
    memory_.peak_kib = std::max(memory_.peak_kib, kib);
    return kib;
  }
  room_memory& memory() { return memory_; }

 private:
  pid_t pid_;
  room_memory memory_;
};

}  // namespace

void monitor_run(const bench_config& config, unsigned groups, run_state& state, bench_result& result,
                 const std::function<bool()>& interrupted, const progress_handler& progress) {
  memory_watch memory(config.room_pid);
  memory.memory().before_kib = memory.sample();
  const auto began = steady::now();
  const auto bind_deadline = began + 30s + config.displays * 5ms;
  while (state.bound_groups < groups && !state.stop && !interrupted()) {
    if (steady::now() > bind_deadline) state.fail("the displays did not all bind to the room within the time allowed");
    std::this_thread::sleep_for(5ms);
  }
  result.bind_seconds = std::chrono::duration<double>(steady::now() - began).count();
  memory.memory().connected_kib = memory.sample();
  memory.memory().peak_kib = memory.memory().connected_kib;

  state.start_ns = now_ns();
  state.go = true;
  const auto start = steady::now();
  auto next_progress = start + 1s;
  auto last_delivered = state.delivered.load();
  auto last_change = start;
  while (!state.stop && !interrupted()) {
    std::this_thread::sleep_for(20ms);
    memory.sample();
    const auto now = steady::now();
    if (state.groups_done == groups && state.senders_done == config.senders) break;
    if (const auto delivered = state.delivered.load(); delivered != last_delivered) {
      last_delivered = delivered;
      last_change = now;
    } else if (state.senders_done == config.senders && now - last_change > config.drain_timeout) {
      break;
    }
    if (progress && now >= next_progress) {
      progress({.seconds = std::chrono::duration<double>(now - start).count(),
                .sent = state.sent,
                .to_send = config.count,
                .delivered = last_delivered,
                .to_deliver = config.count * config.displays});
      next_progress += 1s;
    }
  }
  state.stop = true;
  if (config.room_pid > 0) result.room = memory.memory();
}

void collect_result(const bench_config& config, const run_state& state, std::span<const group_outcome> outcomes,
                    bench_result& result) {
  const auto start_ns = state.start_ns.load();
  std::int64_t last_delivery = start_ns;
  for (const auto& outcome : outcomes) {
    result.deliveries += outcome.counts;
    result.latency.merge(outcome.latency);
    result.gaps += outcome.gaps;
    last_delivery = std::max(last_delivery, outcome.last_delivery_ns);
  }
  result.sent = state.sent;
  //  Messages never sent (the run was stopped early) are not lost: only what was sent counts.
  const auto unsent = (config.count - result.sent) * config.displays;
  result.deliveries.expected -= unsent;
  result.deliveries.lost -= std::min(unsent, result.deliveries.lost);
  result.send_seconds = static_cast<double>(std::max(state.last_send_ns.load(), start_ns) - start_ns) / 1e9;
  result.deliver_seconds = static_cast<double>(last_delivery - start_ns) / 1e9;
  if (result.room) result.room->after_kib = config.room_pid > 0 ? resident_kib(config.room_pid).value_or(0) : 0;
}

}  // namespace imchat::bench
