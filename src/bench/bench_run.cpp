#include "bench/bench_run.hpp"

#include "bench/open_loop_schedule.hpp"
#include "bench/payload.hpp"
#include "bench/process_memory.hpp"
#include "bench/send_window.hpp"
#include "chat/room_name.hpp"
#include "directory/locator.hpp"
#include "kernel/api_thread.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <unordered_map>

namespace imchat::bench {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch()).count();
}

// `count` messages split between `senders`, the first ones taking the remainder.
std::vector<std::uint64_t> split(std::uint64_t count, unsigned senders) {
  std::vector<std::uint64_t> shares(senders, count / senders);
  for (std::uint64_t i = 0; i < count % senders; ++i) ++shares[i];
  return shares;
}

// What the threads of one run share. Counters the monitor reads are updated in batches.
struct run_state {
  std::atomic<unsigned> bound_groups{0};
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> start_ns{0};
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::int64_t> last_send_ns{0};
  std::atomic<unsigned> senders_done{0};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<unsigned> groups_done{0};
  std::mutex failure_mutex;
  std::string failure;

  void fail(const std::string& why) {
    {
      const std::lock_guard lock(failure_mutex);
      if (failure.empty()) failure = why;
    }
    stop = true;
  }
};

// What one thread of displays found.
struct group_outcome {
  delivery_counts counts;
  latency_histogram latency;
  std::uint64_t gaps = 0;
  std::int64_t last_delivery_ns = 0;
};

// Until every sender has one probe that reached every display of the group: then the
// group's displays all listen, and every sender's connection to the room is up.
class probe_tracker {
 public:
  probe_tracker(unsigned senders, unsigned copies) : ready_(senders, false), copies_(copies) {}

  // Counts a probe; true once the group is bound.
  bool add(const payload_fields& probe) {
    if (probe.sender >= ready_.size()) return false;
    if (++arrivals_[(std::uint64_t{probe.sender} << 40) | probe.sequence] == copies_ && !ready_[probe.sender]) {
      ready_[probe.sender] = true;
      ++ready_count_;
    }
    return ready_count_ == ready_.size();
  }

 private:
  std::vector<bool> ready_;
  std::size_t ready_count_ = 0;
  std::unordered_map<std::uint64_t, unsigned> arrivals_;
  const unsigned copies_;
};

struct run_context {
  const bench_config& config;
  dispatcher& threads;
  locator& directory;
  std::vector<io_thread*> io;
  std::vector<std::uint64_t> shares;  // messages per sender
  run_state& state;
  send_window& window;
};

void run_sender(const run_context& run, unsigned index) {
  auto api = api_thread::create(run.threads, &run.directory);
  const auto eid = api->create_exchange("E");
  api->bind("E", chat::queue_name(run.config.room), run.io[index % run.io.size()], run.io[index % run.io.size()]);
  const auto size = payload_size(run.config.size);
  const auto send = [&](const payload_fields& fields) {
    message m(size);
    write_payload(m.data(), fields);
    api->send(eid, m);
  };

  //  Every probe goes to every display bound so far: fewer of them when there are many.
  const auto probe_interval = 20ms + run.config.displays * 100us;
  for (std::uint64_t probe = 0; !run.state.go && !run.state.stop; ++probe) {
    send({.kind = payload_kind::probe, .sender = index, .sequence = probe, .intended_ns = now_ns()});
    //  In short naps, so that the measured messages start on time.
    const auto next = steady::now() + probe_interval;
    while (!run.state.go && !run.state.stop && steady::now() < next) std::this_thread::sleep_for(200us);
  }
  const auto start = run.state.start_ns.load();
  const open_loop_schedule schedule(start, run.config.rate > 0 ? run.config.rate : 1, run.config.senders);
  std::uint64_t unreported = 0;
  for (std::uint64_t sequence = 0; sequence < run.shares[index] && !run.state.stop; ++sequence) {
    std::int64_t when = now_ns();
    if (run.config.rate > 0) {
      const auto intended = schedule.intended_ns(index, sequence);
      if (intended > when) std::this_thread::sleep_for(std::chrono::nanoseconds(intended - when));
      when = intended;
    }
    if (sequence % 64 == 0) run.window.wait(run.state.sent + unreported, run.state.stop);
    send({.kind = payload_kind::measured, .sender = index, .sequence = sequence, .intended_ns = when});
    if (++unreported == 1024) run.state.sent += std::exchange(unreported, 0);
  }
  run.state.sent += unreported;
  const auto finished = now_ns();
  for (auto last = run.state.last_send_ns.load(); last < finished && !run.state.last_send_ns.compare_exchange_weak(last, finished);) {
  }
  api->flush(run.config.drain_timeout);
  ++run.state.senders_done;
}

group_outcome run_displays(const run_context& run, unsigned group, unsigned first, unsigned count) {
  kernel_options options;
  options.queue.max_messages = run.config.display_queue;
  auto api = api_thread::create(run.threads, &run.directory, options);
  api->mask(message_type::gap);
  for (unsigned i = 0; i < count; ++i) {
    const auto name = fmt::format("Q{}", first + i);  // not "Q" + to_string: GCC 12 -O3 warns falsely
    auto* io = run.io[(first + i) % run.io.size()];
    api->create_queue(name);
    api->bind(chat::exchange_name(run.config.room), name, io, io);
  }

  probe_tracker probes(run.config.senders, count);
  for (bool bound = false; !bound && !run.state.stop;) {
    const auto m = api->receive(50ms);
    if (!m || m->type() != message_type::data) continue;
    if (const auto fields = read_payload(m->text()); fields && fields->kind == payload_kind::probe)
      bound = probes.add(*fields);
  }
  ++run.state.bound_groups;

  group_outcome outcome;
  delivery_tally tally(run.shares, count);
  std::uint64_t unreported = 0;
  while (!run.state.stop && !tally.complete()) {
    const auto m = api->receive(50ms);
    if (!m) {
      run.state.delivered += std::exchange(unreported, 0);
      run.window.taken(group, tally.progress());
      continue;
    }
    if (m->type() == message_type::gap) {
      ++outcome.gaps;
      continue;
    }
    const auto fields = read_payload(m->text());
    if (!fields) {
      tally.add_foreign();
      continue;
    }
    if (fields->kind == payload_kind::probe) continue;  // still in flight when the run began
    const auto arrived = now_ns();
    tally.add(*fields);
    outcome.latency.record(arrived - fields->intended_ns);
    outcome.last_delivery_ns = arrived;
    if (++unreported == 1024) {
      run.state.delivered += std::exchange(unreported, 0);
      run.window.taken(group, tally.progress());
    }
  }
  run.state.delivered += unreported;
  outcome.counts = tally.counts();
  ++run.state.groups_done;
  return outcome;
}

// The room's memory, sampled by the monitoring thread when the config names a process.
class memory_watch {
 public:
  explicit memory_watch(pid_t pid) : pid_(pid) {}
  std::int64_t sample() {
    const auto kib = pid_ > 0 ? resident_kib(pid_).value_or(0) : 0;
    memory_.peak_kib = std::max(memory_.peak_kib, kib);
    return kib;
  }
  std::optional<room_memory> result() const { return pid_ > 0 ? std::optional(memory_) : std::nullopt; }
  room_memory& memory() { return memory_; }

 private:
  pid_t pid_;
  room_memory memory_;
};

}  // namespace

bench_result run_bench(const bench_config& config, const chat::stop_signal& stop, const progress_handler& progress) {
  const unsigned groups = std::min(config.displays, config.display_threads);
  dispatcher threads(config.senders + groups + config.io_threads);
  locator directory(config.directory);
  if (!directory.lookup(chat::exchange_name(config.room), 5s))
    throw std::runtime_error("no room '" + config.room + "' is registered at the directory " + config.directory);

  std::vector<std::unique_ptr<io_thread>> io_threads;
  run_state state;
  send_window window(config.window, groups);
  run_context run{config, threads, directory, {}, split(config.count, config.senders), state, window};
  for (unsigned i = 0; i < config.io_threads; ++i) run.io.push_back(io_threads.emplace_back(io_thread::create(threads)).get());

  memory_watch memory(config.room_pid);
  memory.memory().before_kib = memory.sample();
  const auto guarded = [&state](auto&& work) {
    try {
      work();
    } catch (const std::exception& e) {
      state.fail(e.what());
    }
  };

  std::vector<group_outcome> outcomes(groups);
  std::vector<std::thread> workers;
  for (unsigned g = 0, first = 0; g < groups; ++g) {
    const unsigned count = config.displays / groups + (g < config.displays % groups ? 1 : 0);
    workers.emplace_back([&, g, first, count] { guarded([&] { outcomes[g] = run_displays(run, g, first, count); }); });
    first += count;
  }
  for (unsigned s = 0; s < config.senders; ++s)
    workers.emplace_back([&, s] { guarded([&] { run_sender(run, s); }); });

  bench_result result;
  const auto began = steady::now();
  const auto bind_deadline = began + 30s + config.displays * 5ms;
  while (state.bound_groups < groups && !state.stop && !stop.requested()) {
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
  while (!state.stop) {
    std::this_thread::sleep_for(20ms);
    memory.sample();
    const auto now = steady::now();
    if (stop.requested()) break;
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
  for (auto& worker : workers) worker.join();
  memory.memory().after_kib = memory.sample();
  if (!state.failure.empty()) throw std::runtime_error(state.failure);

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
  result.room = memory.result();
  return result;
}

}  // namespace imchat::bench
