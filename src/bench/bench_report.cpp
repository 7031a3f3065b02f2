#include "bench/bench_report.hpp"

#include <fmt/format.h>

namespace imchat::bench {

namespace {

double per_second(std::uint64_t count, double seconds) { return seconds > 0 ? static_cast<double>(count) / seconds : 0; }

std::string microseconds(std::int64_t ns) { return fmt::format("{:.1f}", static_cast<double>(ns) / 1e3); }

std::string describe_load(const bench_config& config) {
  return config.rate > 0 ? fmt::format("open loop at {:.0f} msg/s", config.rate) : "as fast as they go";
}

// A room name as a JSON string: names have no control characters, only quotes and
// backslashes to escape.
std::string json_string(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + '"';
}

std::string verdict(const bench_result& result) {
  if (result.clean()) return "no loss";
  const auto& d = result.deliveries;
  return fmt::format("LOSS: {} lost, {} duplicated, {} reordered, {} gap notices", d.lost, d.duplicated,
                     d.reordered, result.gaps);
}

}  // namespace

void print_progress(std::ostream& out, const progress_snapshot& now) {
  out << fmt::format("imchat bench: {:6.1f} s  sent {}/{}  delivered {}/{}\n", now.seconds, now.sent, now.to_send,
                     now.delivered, now.to_deliver)
      << std::flush;
}

void print_table(std::ostream& out, const bench_config& config, const bench_result& result) {
  const auto& d = result.deliveries;
  const auto bytes = static_cast<double>(config.size);
  out << fmt::format("{}: room '{}', {} sender(s), {} display(s), {}-byte messages, {}\n\n", config.tool, config.room,
                     config.senders, config.displays, config.size, describe_load(config));
  out << fmt::format("{:<12} {:>12} {:>10} {:>14} {:>10}\n", "", "messages", "seconds", "per second", "MB/s");
  out << fmt::format("{:<12} {:>12} {:>10.3f} {:>14.0f} {:>10.1f}\n", "sent", result.sent, result.send_seconds,
                     per_second(result.sent, result.send_seconds),
                     per_second(result.sent, result.send_seconds) * bytes / 1e6);
  out << fmt::format("{:<12} {:>12} {:>10.3f} {:>14.0f} {:>10.1f}\n", "delivered", d.delivered,
                     result.deliver_seconds, per_second(d.delivered, result.deliver_seconds),
                     per_second(d.delivered, result.deliver_seconds) * bytes / 1e6);
  out << fmt::format("{:<12} {:>12}\n{:<12} {:>12}\n{:<12} {:>12}\n{:<12} {:>12}\n{:<12} {:>12}\n\n", "expected",
                     d.expected, "lost", d.lost, "duplicated", d.duplicated, "reordered", d.reordered, "gap notices",
                     result.gaps);
  const auto l = result.latency.summary();
  out << fmt::format("latency (us, from the {} send time, {} samples)\n", config.rate > 0 ? "intended" : "actual",
                     l.count);
  out << fmt::format("{:>10} {:>10} {:>10} {:>10} {:>10}\n", "p50", "p90", "p99", "p99.9", "max");
  out << fmt::format("{:>10} {:>10} {:>10} {:>10} {:>10}\n\n", microseconds(l.p50_ns), microseconds(l.p90_ns),
                     microseconds(l.p99_ns), microseconds(l.p999_ns), microseconds(l.max_ns));
  if (result.room) {
    const auto& m = *result.room;
    const auto per_display = static_cast<double>(m.connected_kib - m.before_kib) * 1024.0 / config.displays;
    out << fmt::format("room memory (KiB): {} before, {} with the displays bound ({:.0f} bytes per display), "
                       "{} at peak, {} at the end\n",
                       m.before_kib, m.connected_kib, per_display, m.peak_kib, m.after_kib);
  }
  out << fmt::format("displays bound in {:.2f} s\nresult: {}\n", result.bind_seconds, verdict(result));
}

void print_json(std::ostream& out, const bench_config& config, const bench_result& result) {
  const auto& d = result.deliveries;
  const auto l = result.latency.summary();
  out << fmt::format(
      "{{\"room\": {}, \"senders\": {}, \"displays\": {}, \"size\": {}, \"count\": {}, \"rate\": {}, "
      "\"sent\": {}, \"send_seconds\": {:.6f}, \"sent_per_second\": {:.1f}, "
      "\"delivered\": {}, \"deliver_seconds\": {:.6f}, \"delivered_per_second\": {:.1f}, "
      "\"expected\": {}, \"lost\": {}, \"duplicated\": {}, \"reordered\": {}, \"foreign\": {}, \"gaps\": {}, "
      "\"latency_ns\": {{\"count\": {}, \"p50\": {}, \"p90\": {}, \"p99\": {}, \"p999\": {}, \"max\": {}}}, "
      "\"bind_seconds\": {:.3f}",
      json_string(config.room), config.senders, config.displays, config.size, config.count, config.rate, result.sent,
      result.send_seconds, per_second(result.sent, result.send_seconds), d.delivered, result.deliver_seconds,
      per_second(d.delivered, result.deliver_seconds), d.expected, d.lost, d.duplicated, d.reordered, d.foreign,
      result.gaps, l.count, l.p50_ns, l.p90_ns, l.p99_ns, l.p999_ns, l.max_ns, result.bind_seconds);
  if (result.room)
    out << fmt::format(", \"room_rss_kib\": {{\"before\": {}, \"connected\": {}, \"peak\": {}, \"after\": {}}}",
                       result.room->before_kib, result.room->connected_kib, result.room->peak_kib,
                       result.room->after_kib);
  out << fmt::format(", \"clean\": {}}}\n", result.clean());
}

}  // namespace imchat::bench
