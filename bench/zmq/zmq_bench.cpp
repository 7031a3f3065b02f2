// The libzmq counterpart of `imchat bench ROOM`, for bench/run.sh: the same senders,
// displays, probes, payload, accounting and report, over a PUSH socket per sender into
// zmq_room and a SUB socket per display on it. Only the transport differs, so the
// figures compare the messaging layers.
//
//   zmq_bench --in tcp://127.0.0.1:5555 --out tcp://127.0.0.1:5556 --displays 10 --count 1000000
//             [--senders N] [--display-threads N] [--size BYTES] [--rate MSGS_PER_S]
//             [--drain-timeout SECONDS] [--window N] [--room-pid PID] [--json]

#include "bench/bench_report.hpp"
#include "bench/display_tallies.hpp"
#include "bench/open_loop_schedule.hpp"
#include "bench/payload.hpp"
#include "bench/probe_tracker.hpp"
#include "bench/run_monitor.hpp"
#include "bench/send_window.hpp"
#include "bench/sender_loop.hpp"
#include "bench/zmq/zmq_check.hpp"

#include <algorithm>
#include <iostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace imchat::bench;
using namespace imchat::bench::zmq;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

struct run_context {
  const bench_config& config;
  void* context;
  std::string in, out;
  std::vector<std::uint64_t> shares;
  run_state& state;
  send_window& window;
};

void run_sender(const run_context& run, unsigned index) {
  void* socket = zmq_socket(run.context, ZMQ_PUSH);
  if (!socket) check(-1, "zmq_socket");
  set_int(socket, ZMQ_SNDHWM, high_water_mark(), "ZMQ_SNDHWM");
  check(zmq_connect(socket, run.in.c_str()), run.in.c_str());
  std::vector<std::byte> bytes(payload_size(run.config.size));
  const auto send = [&](const payload_fields& fields) {
    write_payload(bytes, fields);
    check(zmq_send(socket, bytes.data(), bytes.size(), 0), "send");
  };
  send_share(run.config, run.state, run.window, index, run.shares[index], send);
  set_int(socket, ZMQ_LINGER, static_cast<int>(run.config.drain_timeout.count()), "ZMQ_LINGER");
  zmq_close(socket);
}

group_outcome run_displays(const run_context& run, unsigned group, unsigned count) {
  std::vector<zmq_pollitem_t> items;
  for (unsigned i = 0; i < count; ++i) {
    void* socket = zmq_socket(run.context, ZMQ_SUB);
    if (!socket) check(-1, "zmq_socket");
    set_int(socket, ZMQ_RCVHWM, high_water_mark(), "ZMQ_RCVHWM");
    check(zmq_setsockopt(socket, ZMQ_SUBSCRIBE, "", 0), "ZMQ_SUBSCRIBE");
    check(zmq_connect(socket, run.out.c_str()), run.out.c_str());
    items.push_back({socket, 0, ZMQ_POLLIN, 0});
  }
  probe_tracker probes(run.config.senders, count);
  bool bound = false;
  group_outcome outcome;
  display_tallies tally(run.shares, count);
  std::uint64_t unreported = 0;
  const auto report = [&] {
    run.state.delivered += std::exchange(unreported, 0);
    run.window.taken(group, tally.progress());
  };
  zmq_msg_t message;
  zmq_msg_init(&message);
  while (!run.state.stop && !tally.complete()) {
    if (check(zmq_poll(items.data(), static_cast<int>(items.size()), 50), "poll") == 0) {
      report();
      continue;
    }
    for (std::size_t display = 0; display < items.size(); ++display) {
      auto& item = items[display];
      if (!(item.revents & ZMQ_POLLIN)) continue;
      while (zmq_msg_recv(&message, item.socket, ZMQ_DONTWAIT) >= 0) {
        const std::string_view text(static_cast<const char*>(zmq_msg_data(&message)), zmq_msg_size(&message));
        const auto fields = read_payload(text);
        if (!fields) {
          tally.add_foreign(display);
        } else if (fields->kind == payload_kind::probe) {
          if (!bound && probes.add(*fields)) {
            bound = true;
            ++run.state.bound_groups;
          }
        } else {
          const auto arrived = now_ns();
          tally.add(display, *fields);
          outcome.latency.record(arrived - fields->intended_ns);
          outcome.last_delivery_ns = arrived;
          if (++unreported == 1024) report();
        }
      }
    }
  }
  zmq_msg_close(&message);
  report();
  for (auto& item : items) {
    set_int(item.socket, ZMQ_LINGER, 0, "ZMQ_LINGER");
    zmq_close(item.socket);
  }
  outcome.counts = tally.counts();
  ++run.state.groups_done;
  return outcome;
}

}  // namespace

int main(int argc, char** argv) {
  bench_config config;
  config.tool = "zmq_bench";
  config.room = "zmq_room";
  std::string in, out;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string option = argv[i];
    if (option == "--json") {
      json = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << "zmq_bench: " << option << " needs a value\n";
      return 2;
    }
    const std::string value = argv[++i];
    if (option == "--in") in = value;
    else if (option == "--out") out = value;
    else if (option == "--senders") config.senders = static_cast<unsigned>(std::stoul(value));
    else if (option == "--displays") config.displays = static_cast<unsigned>(std::stoul(value));
    else if (option == "--display-threads") config.display_threads = static_cast<unsigned>(std::stoul(value));
    else if (option == "--size") config.size = std::stoul(value);
    else if (option == "--count") config.count = std::stoull(value);
    else if (option == "--rate") config.rate = std::stod(value);
    else if (option == "--drain-timeout") config.drain_timeout = std::chrono::milliseconds(static_cast<long>(std::stod(value) * 1000));
    else if (option == "--room-pid") config.room_pid = std::stoi(value);
    else if (option == "--window") config.window = std::stoull(value);
    else {
      std::cerr << "zmq_bench: unknown option " << option << "\n";
      return 2;
    }
  }
  if (in.empty() || out.empty() || config.senders < 1 || config.displays < 1 || config.count < config.senders) {
    std::cerr << "usage: zmq_bench --in ENDPOINT --out ENDPOINT [--senders N] [--displays N] [--count N] ...\n";
    return 2;
  }

  void* context = zmq_ctx_new();
  zmq_ctx_set(context, ZMQ_MAX_SOCKETS, static_cast<int>(config.displays + config.senders + 16));
  run_state state;
  const unsigned groups = std::min(config.displays, config.display_threads);
  send_window window(config.window, groups);
  run_context run{config, context, in, out, split(config.count, config.senders), state, window};
  std::vector<group_outcome> outcomes(groups);
  std::vector<std::thread> workers;
  for (unsigned g = 0; g < groups; ++g) {
    const unsigned count = config.displays / groups + (g < config.displays % groups ? 1 : 0);
    workers.emplace_back([&, g, count] { outcomes[g] = run_displays(run, g, count); });
  }
  for (unsigned s = 0; s < config.senders; ++s) workers.emplace_back([&, s] { run_sender(run, s); });

  bench_result result;
  const auto progress = [](const progress_snapshot& now) { print_progress(std::cerr, now); };
  monitor_run(config, groups, state, result, [] { return false; }, progress);
  for (auto& worker : workers) worker.join();
  zmq_ctx_term(context);
  if (!state.failure.empty()) {
    std::cerr << "zmq_bench: " << state.failure << "\n";
    return 1;
  }
  collect_result(config, state, outcomes, result);
  if (json) print_json(std::cout, config, result);
  else print_table(std::cout, config, result);
  return result.clean() ? 0 : 1;
}
