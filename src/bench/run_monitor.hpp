#pragma once
// What the threads of one benchmark run share, and the loop that watches them, whatever
// carries the messages (the kernel in bench_run.cpp, libzmq in bench/zmq/zmq_bench.cpp):
// wait until every display group is bound, start the measured messages, print progress,
// watch the room's memory, and end the run when everything has arrived or nothing has
// for the drain timeout. Standard library only (bench/zmq compiles it too).

#include "bench/bench_config.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace imchat::bench {

// steady_clock in nanoseconds: the clock the payload's times are on.
std::int64_t now_ns();

// `count` messages split between `senders`, the first ones taking the remainder.
std::vector<std::uint64_t> split(std::uint64_t count, unsigned senders);

// Shared by the senders, the display threads and the monitor. Counters the monitor
// reads are updated in batches.
struct run_state {
  std::atomic<unsigned> bound_groups{0};
  std::atomic<bool> go{false};    // the measured messages may start
  std::atomic<bool> stop{false};  // every thread ends as soon as it can
  std::atomic<std::int64_t> start_ns{0};
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::int64_t> last_send_ns{0};
  std::atomic<unsigned> senders_done{0};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<unsigned> groups_done{0};
  std::mutex failure_mutex;
  std::string failure;

  // Records why the run cannot go on (the first reason wins) and stops it.
  void fail(const std::string& why);
  // A sender records when it sent its last message.
  void sender_finished();
};

// What one thread of displays found.
struct group_outcome {
  delivery_counts counts;
  latency_histogram latency;
  std::uint64_t gaps = 0;
  std::int64_t last_delivery_ns = 0;
};

// Called about once a second while messages flow.
struct progress_snapshot {
  double seconds = 0;
  std::uint64_t sent = 0;
  std::uint64_t to_send = 0;
  std::uint64_t delivered = 0;
  std::uint64_t to_deliver = 0;
};
using progress_handler = std::function<void(const progress_snapshot&)>;

// Watches a run whose threads are started, from the binding of the `groups` display
// threads to its end (then state.stop is set: join the threads, then collect_result).
// Fills result.bind_seconds and result.room. `interrupted` is polled (a stop signal).
void monitor_run(const bench_config& config, unsigned groups, run_state& state, bench_result& result,
                 const std::function<bool()>& interrupted, const progress_handler& progress);

// Adds what the display threads and senders found to `result`.
void collect_result(const bench_config& config, const run_state& state, std::span<const group_outcome> outcomes,
                    bench_result& result);

}  // namespace imchat::bench
