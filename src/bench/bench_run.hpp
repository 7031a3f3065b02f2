#pragma once
// One benchmark run against a room, on the kernel API as the chat programs use it: each
// sender is an application thread with a local exchange bound to the room's queue
// Q_<room> (as `imchat prompt`), each display a local queue bound to the room's exchange
// E_<room> (as `imchat display`), its own connection to the room. The displays are
// spread over a few threads, so that a hundred of them, or ten thousand, do not need as
// many threads.
//
// The run: bind everything, send probes until every display has received one from every
// sender (so nothing measured is sent before a display listens), then send the measured
// messages, as fast as they go or on an open-loop schedule (--rate), and count what
// arrives until all of it has or nothing arrives for the drain timeout.

#include "bench/bench_config.hpp"
#include "bench/run_monitor.hpp"
#include "chat/stop_signal.hpp"

namespace imchat::bench {

// Throws std::runtime_error when the run cannot happen (no such room, displays that
// never bind); loss is not an error but part of the result.
bench_result run_bench(const bench_config& config, const chat::stop_signal& stop,
                       const progress_handler& progress = {});

}  // namespace imchat::bench
