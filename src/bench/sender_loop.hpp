#pragma once
// What every bench sender does, whatever carries its messages (imchat's kernel, or libzmq
// in bench/zmq/zmq_bench.cpp): probes until the run starts, so that the displays are
// known to be bound, then its share of measured messages, on the open-loop schedule when
// a rate is set and within the send window, each stamped with when it was meant to go.

#include "bench/bench_config.hpp"
#include "bench/open_loop_schedule.hpp"
#include "bench/payload.hpp"
#include "bench/run_monitor.hpp"
#include "bench/send_window.hpp"

#include <chrono>
#include <cstdint>
#include <thread>
#include <utility>

namespace imchat::bench {

// `send(const payload_fields&)` sends one message.
template <class Send>
void send_share(const bench_config& config, run_state& state, send_window& window, unsigned index,
                std::uint64_t share, Send&& send) {
  using namespace std::chrono_literals;
  using steady = std::chrono::steady_clock;
  //  Every probe goes to every display bound so far: fewer of them when there are many.
  const auto probe_interval = 20ms + config.displays * 100us;
  for (std::uint64_t probe = 0; !state.go && !state.stop; ++probe) {
    send({.kind = payload_kind::probe, .sender = index, .sequence = probe, .intended_ns = now_ns()});
    //  In short naps, so that the measured messages start on time.
    const auto next = steady::now() + probe_interval;
    while (!state.go && !state.stop && steady::now() < next) std::this_thread::sleep_for(200us);
  }
  const open_loop_schedule schedule(state.start_ns, config.rate > 0 ? config.rate : 1, config.senders);
  std::uint64_t unreported = 0;
  for (std::uint64_t sequence = 0; sequence < share && !state.stop; ++sequence) {
    std::int64_t when = now_ns();
    if (config.rate > 0) {
      const auto intended = schedule.intended_ns(index, sequence);
      if (intended > when) std::this_thread::sleep_for(std::chrono::nanoseconds(intended - when));
      when = intended;
    }
    if (sequence % 64 == 0) window.wait(state.sent + unreported, state.stop);
    send({.kind = payload_kind::measured, .sender = index, .sequence = sequence, .intended_ns = when});
    if (++unreported == 1024) state.sent += std::exchange(unreported, 0);
  }
  state.sent += unreported;
  state.sender_finished();
}

}  // namespace imchat::bench
