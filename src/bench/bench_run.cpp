#include "bench/bench_run.hpp"

#include "bench/display_tallies.hpp"
#include "bench/open_loop_schedule.hpp"
#include "bench/payload.hpp"
#include "bench/probe_tracker.hpp"
#include "bench/send_window.hpp"
#include "bench/sender_loop.hpp"
#include "chat/room_name.hpp"
#include "directory/locator.hpp"
#include "kernel/api_thread.hpp"

#include <fmt/format.h>

#include <memory>
#include <stdexcept>
#include <thread>
#include <utility>

namespace imchat::bench {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

struct run_context {
  const bench_config& config;
  dispatcher& threads;
  directory::locator& directory;
  std::vector<io_thread*> io;
  std::vector<std::uint64_t> shares;  // messages per sender
  run_state& state;
  send_window& window;
};

void run_sender(const run_context& run, unsigned index) {
  kernel_options options;
  options.key = run.config.key;
  auto api = api_thread::create(run.threads, &run.directory, options);
  const auto eid = api->create_exchange("E");
  api->bind("E", chat::queue_name(run.config.room), run.io[index % run.io.size()], run.io[index % run.io.size()]);
  const auto size = payload_size(run.config.size);
  const auto send = [&](const payload_fields& fields) {
    message m(size);
    write_payload(m.data(), fields);
    api->send(eid, m);
  };

  send_share(run.config, run.state, run.window, index, run.shares[index], send);
  api->flush(run.config.drain_timeout);
}

group_outcome run_displays(const run_context& run, unsigned group, unsigned first, unsigned count) {
  kernel_options options;
  options.queue.max_messages = run.config.display_queue;
  options.key = run.config.key;
  auto api = api_thread::create(run.threads, &run.directory, options);
  api->mask(message_type::gap);
  for (unsigned i = 0; i < count; ++i) {
    const auto name = fmt::format("Q{}", first + i);  // not "Q" + to_string: GCC 12 -O3 warns falsely
    auto* io = run.io[(first + i) % run.io.size()];
    api->create_queue(name);
    api->bind(chat::exchange_name(run.config.room), name, io, io);
  }

  probe_tracker probes(run.config.senders, count);
  while (!probes.bound() && !run.state.stop) {
    const auto m = api->receive(50ms);
    if (!m || m->type() != message_type::data) continue;
    if (const auto fields = read_payload(m->text()); fields && fields->kind == payload_kind::probe) probes.add(*fields);
  }
  ++run.state.bound_groups;

  group_outcome outcome;
  display_tallies tally(run.shares, count);
  std::uint64_t unreported = 0;
  const auto report = [&] {
    run.state.delivered += std::exchange(unreported, 0);
    run.window.taken(group, tally.progress());
  };
  //  Everything ready at once, each message with the display (the queue) it came to.
  std::vector<message> batch;
  std::vector<std::size_t> displays;
  while (!run.state.stop && !tally.complete()) {
    batch.clear();
    displays.clear();
    if (api->receive_many(batch, 1024, 50ms, &displays) == 0) {
      report();
      continue;
    }
    const auto arrived = now_ns();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto& m = batch[i];
      if (m.type() == message_type::gap) {
        ++outcome.gaps;
        continue;
      }
      const auto fields = read_payload(m.text());
      if (!fields) {
        tally.add_foreign(displays[i]);
        continue;
      }
      if (fields->kind == payload_kind::probe) continue;  // still in flight when the run began
      tally.add(displays[i], *fields);
      outcome.latency.record(arrived - fields->intended_ns);
      outcome.last_delivery_ns = arrived;
      if (++unreported == 1024) report();
    }
  }
  report();
  outcome.counts = tally.counts();
  ++run.state.groups_done;
  return outcome;
}

}  // namespace

bench_result run_bench(const bench_config& config, const chat::stop_signal& stop, const progress_handler& progress) {
  const unsigned groups = std::min(config.displays, config.display_threads);
  dispatcher threads(config.senders + groups + config.io_threads);
  directory::locator directory(config.directory, {.key = config.directory_key});
  if (!directory.lookup(chat::exchange_name(config.room), 5s))
    throw std::runtime_error("no room '" + config.room + "' is registered at the directory " + config.directory);

  std::vector<std::unique_ptr<io_thread>> io_threads;
  run_state state;
  send_window window(config.window, groups);
  run_context run{config, threads, directory, {}, split(config.count, config.senders), state, window};
  for (unsigned i = 0; i < config.io_threads; ++i) run.io.push_back(io_threads.emplace_back(io_thread::create(threads)).get());

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
  monitor_run(config, groups, state, result, [&stop] { return stop.requested(); }, progress);
  for (auto& worker : workers) worker.join();
  if (!state.failure.empty()) throw std::runtime_error(state.failure);
  collect_result(config, state, outcomes, result);
  return result;
}

}  // namespace imchat::bench
