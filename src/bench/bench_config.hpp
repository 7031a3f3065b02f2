#pragma once
// What `imchat bench` is asked to measure, and what it found.

#include "bench/delivery_tally.hpp"
#include "bench/latency_histogram.hpp"
#include "util/key_file.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace imchat::bench {

struct bench_config {
  std::string tool = "imchat bench";  // names what measured, in the report
  std::string room;       // the room's name
  std::string directory;  // where the room is registered
  // With keys: the room's (and the file it is in, for a room the bench starts), and the
  // directory's. Every connection is then TLS, as users' are.
  std::string key_file;
  std::optional<secret_key> key;
  std::optional<secret_key> directory_key;
  unsigned senders = 1;
  unsigned displays = 1;
  unsigned display_threads = 4;  // the displays are spread over this many threads
  unsigned io_threads = 1;
  std::size_t size = 64;          // bytes per message as sent (the room adds its prefix)
  std::uint64_t count = 100'000;  // messages in all, split between the senders
  double rate = 0;                // messages per second in all; 0: as fast as they go
  std::size_t display_queue = 100'000;  // each display's queue bound, in messages
  // At most this many messages sent and not yet taken by every display thread (0: no
  // limit): the throughput a room sustains without overrunning its displays.
  std::uint64_t window = 0;
  std::chrono::milliseconds drain_timeout{5000};  // no delivery that long ends the run
  pid_t room_pid = 0;  // a room process whose memory to watch (0: none)
  bool progress = true;
};

// Kibibytes of resident memory.
struct room_memory {
  std::int64_t before_kib = 0;     // before the displays bound
  std::int64_t connected_kib = 0;  // once every display was bound
  std::int64_t peak_kib = 0;       // the highest seen while messages flowed
  std::int64_t after_kib = 0;      // at the end
};

struct bench_result {
  double send_seconds = 0;     // the first send to the last
  double deliver_seconds = 0;  // the first send to the last delivery
  double bind_seconds = 0;     // until every display received a probe
  std::uint64_t sent = 0;
  std::uint64_t gaps = 0;  // gap notices the displays got (a connection broke)
  delivery_counts deliveries;
  latency_histogram latency;  // from the intended send time (open loop) or the send
  std::optional<room_memory> room;

  bool clean() const noexcept {
    return deliveries.lost == 0 && deliveries.duplicated == 0 && deliveries.reordered == 0 && gaps == 0;
  }
};

}  // namespace imchat::bench
