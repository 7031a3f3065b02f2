#pragma once
// How `imchat bench` shows what it measured: a progress line on stderr while it runs, then
// a table (or one JSON object, for scripts) on stdout.

#include "bench/bench_config.hpp"
#include "bench/run_monitor.hpp"

#include <ostream>

namespace imchat::bench {

void print_progress(std::ostream& out, const progress_snapshot& now);
void print_table(std::ostream& out, const bench_config& config, const bench_result& result);
void print_json(std::ostream& out, const bench_config& config, const bench_result& result);

}  // namespace imchat::bench
