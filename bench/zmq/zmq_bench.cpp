// The libzmq counterpart of `imchat bench ROOM`, for bench/run.sh: the same senders,
// displays, probes, payload, accounting and report, over a PUSH socket per sender into
// zmq_room and a SUB socket per display on it. Only the transport differs, so the
// figures compare the messaging layers.
//
//   zmq_bench --in tcp://127.0.0.1:5555 --out tcp://127.0.0.1:5556 --displays 10 --count 1000000
//             [--senders N] [--display-threads N] [--size BYTES] [--rate MSGS_PER_S]
//             [--drain-timeout SECONDS] [--window N] [--room-pid PID] [--json]

#include "bench/bench_report.hpp"
#include "bench/open_loop_schedule.hpp"
#include "bench/payload.hpp"
#include "bench/process_memory.hpp"
#include "bench/send_window.hpp"
#include "bench/zmq/zmq_check.hpp"

#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace imchat::bench;
using namespace imchat::bench::zmq;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch()).count();
}

struct run_state {
  std::atomic<unsigned> bound_groups{0};
  std::atomic<bool> go{false}, stop{false};
  std::atomic<std::int64_t> start_ns{0}, last_send_ns{0};
  std::atomic<std::uint64_t> sent{0}, delivered{0};
  std::atomic<unsigned> senders_done{0}, groups_done{0};
};

struct group_outcome {
  delivery_counts counts;
  latency_histogram latency;
  std::int64_t last_delivery_ns = 0;
};

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
  set_int(socket, ZMQ_SNDHWM, high_water_mark, "ZMQ_SNDHWM");
  check(zmq_connect(socket, run.in.c_str()), run.in.c_str());
  std::vector<std::byte> bytes(payload_size(run.config.size));
  const auto send = [&](const payload_fields& fields) {
    write_payload(bytes, fields);
    check(zmq_send(socket, bytes.data(), bytes.size(), 0), "send");
  };
  //  Every probe goes to every display bound so far: fewer of them when there are many.
  const auto probe_interval = 20ms + run.config.displays * 100us;
  for (std::uint64_t probe = 0; !run.state.go && !run.state.stop; ++probe) {
    send({.kind = payload_kind::probe, .sender = index, .sequence = probe, .intended_ns = now_ns()});
    //  In short naps, so that the measured messages start on time.
    const auto next = steady::now() + probe_interval;
    while (!run.state.go && !run.state.stop && steady::now() < next) std::this_thread::sleep_for(200us);
  }
  const open_loop_schedule schedule(run.state.start_ns, run.config.rate > 0 ? run.config.rate : 1, run.config.senders);
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
  set_int(socket, ZMQ_LINGER, static_cast<int>(run.config.drain_timeout.count()), "ZMQ_LINGER");
  zmq_close(socket);
  ++run.state.senders_done;
}

group_outcome run_displays(const run_context& run, unsigned group, unsigned count) {
  std::vector<zmq_pollitem_t> items;
  for (unsigned i = 0; i < count; ++i) {
    void* socket = zmq_socket(run.context, ZMQ_SUB);
    if (!socket) check(-1, "zmq_socket");
    set_int(socket, ZMQ_RCVHWM, high_water_mark, "ZMQ_RCVHWM");
    check(zmq_setsockopt(socket, ZMQ_SUBSCRIBE, "", 0), "ZMQ_SUBSCRIBE");
    check(zmq_connect(socket, run.out.c_str()), run.out.c_str());
    items.push_back({socket, 0, ZMQ_POLLIN, 0});
  }
  // Bound once a probe of every sender reached every display (as imchat bench's probe_tracker).
  std::map<std::pair<std::uint32_t, std::uint64_t>, unsigned> probes;
  std::vector<bool> sender_ready(run.config.senders, false);
  unsigned ready = 0;
  group_outcome outcome;
  delivery_tally tally(run.shares, count);
  std::uint64_t unreported = 0;
  bool bound = false;
  zmq_msg_t message;
  zmq_msg_init(&message);
  while (!run.state.stop && !tally.complete()) {
    if (check(zmq_poll(items.data(), static_cast<int>(items.size()), 50), "poll") == 0) {
      run.state.delivered += std::exchange(unreported, 0);
      run.window.taken(group, tally.progress());
      continue;
    }
    for (auto& item : items) {
      if (!(item.revents & ZMQ_POLLIN)) continue;
      while (zmq_msg_recv(&message, item.socket, ZMQ_DONTWAIT) >= 0) {
        const std::string_view text(static_cast<const char*>(zmq_msg_data(&message)), zmq_msg_size(&message));
        const auto fields = read_payload(text);
        if (!fields) {
          tally.add_foreign();
        } else if (fields->kind == payload_kind::probe) {
          if (!bound && fields->sender < sender_ready.size() &&
              ++probes[{fields->sender, fields->sequence}] == count && !sender_ready[fields->sender]) {
            sender_ready[fields->sender] = true;
            if (++ready == run.config.senders) {
              bound = true;
              ++run.state.bound_groups;
            }
          }
        } else {
          const auto arrived = now_ns();
          tally.add(*fields);
          outcome.latency.record(arrived - fields->intended_ns);
          outcome.last_delivery_ns = arrived;
          if (++unreported == 1024) {
            run.state.delivered += std::exchange(unreported, 0);
            run.window.taken(group, tally.progress());
          }
        }
      }
    }
  }
  zmq_msg_close(&message);
  run.state.delivered += unreported;
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
  std::vector<std::uint64_t> shares(config.senders, config.count / config.senders);
  for (std::uint64_t i = 0; i < config.count % config.senders; ++i) ++shares[i];
  const unsigned groups = std::min(config.displays, config.display_threads);
  send_window window(config.window, groups);
  run_context run{config, context, in, out, shares, state, window};
  room_memory memory;
  const auto sample = [&] {
    const auto kib = config.room_pid > 0 ? resident_kib(config.room_pid).value_or(0) : 0;
    memory.peak_kib = std::max(memory.peak_kib, kib);
    return kib;
  };
  memory.before_kib = sample();

  std::vector<group_outcome> outcomes(groups);
  std::vector<std::thread> workers;
  for (unsigned g = 0; g < groups; ++g) {
    const unsigned count = config.displays / groups + (g < config.displays % groups ? 1 : 0);
    workers.emplace_back([&, g, count] { outcomes[g] = run_displays(run, g, count); });
  }
  for (unsigned s = 0; s < config.senders; ++s) workers.emplace_back([&, s] { run_sender(run, s); });

  bench_result result;
  const auto began = steady::now();
  const auto bind_deadline = began + 30s + config.displays * 5ms;
  while (state.bound_groups < groups && steady::now() < bind_deadline) std::this_thread::sleep_for(5ms);
  if (state.bound_groups < groups) {
    std::cerr << "zmq_bench: the displays did not all bind within the time allowed\n";
    std::exit(1);
  }
  result.bind_seconds = std::chrono::duration<double>(steady::now() - began).count();
  memory.connected_kib = memory.peak_kib = sample();
  state.start_ns = now_ns();
  state.go = true;
  const auto start = steady::now();
  auto next_progress = start + 1s;
  auto last_delivered = state.delivered.load();
  auto last_change = start;
  for (;;) {
    std::this_thread::sleep_for(20ms);
    sample();
    const auto now = steady::now();
    if (state.groups_done == groups && state.senders_done == config.senders) break;
    if (const auto delivered = state.delivered.load(); delivered != last_delivered) {
      last_delivered = delivered;
      last_change = now;
    } else if (state.senders_done == config.senders && now - last_change > config.drain_timeout) {
      break;
    }
    if (now >= next_progress) {
      print_progress(std::cerr, {.seconds = std::chrono::duration<double>(now - start).count(),
                                 .sent = state.sent, .to_send = config.count, .delivered = last_delivered,
                                 .to_deliver = config.count * config.displays});
      next_progress += 1s;
    }
  }
  state.stop = true;
  for (auto& worker : workers) worker.join();
  memory.after_kib = sample();
  zmq_ctx_term(context);

  std::int64_t last_delivery = state.start_ns;
  for (const auto& outcome : outcomes) {
    result.deliveries += outcome.counts;
    result.latency.merge(outcome.latency);
    last_delivery = std::max(last_delivery, outcome.last_delivery_ns);
  }
  result.sent = state.sent;
  result.send_seconds = static_cast<double>(std::max(state.last_send_ns.load(), state.start_ns.load()) - state.start_ns) / 1e9;
  result.deliver_seconds = static_cast<double>(last_delivery - state.start_ns) / 1e9;
  if (config.room_pid > 0) result.room = memory;
  if (json) print_json(std::cout, config, result);
  else print_table(std::cout, config, result);
  return result.clean() ? 0 : 1;
}
