#pragma once
// The libzmq relay's one error style: a failed libzmq call ends the program, naming it.
// Built only by bench/run.sh, for comparison; not part of imchat.

#include <zmq.h>

#include <cstdio>
#include <cstdlib>

namespace imchat::bench::zmq {

inline int check(int result, const char* what) {
  if (result < 0) {
    std::fprintf(stderr, "%s: %s\n", what, zmq_strerror(zmq_errno()));
    std::exit(1);
  }
  return result;
}

// Sets an int socket option (high-water marks, linger).
inline void set_int(void* socket, int option, int value, const char* what) {
  check(zmq_setsockopt(socket, option, &value, sizeof value), what);
}

// Every high-water mark of the relay, in messages: by default the bound imchat's kernel
// puts on a queue (kernel_options). bench/run.sh sets ZMQ_BENCH_HWM to the history it
// gives the imchat room in the same scenario, so that neither side wins by buffering more.
inline int high_water_mark() {
  const char* configured = std::getenv("ZMQ_BENCH_HWM");
  if (!configured || !*configured) return 100'000;
  char* end = nullptr;
  const long value = std::strtol(configured, &end, 10);
  if (*end != '\0' || value < 0 || value > 1'000'000'000) {
    std::fprintf(stderr, "ZMQ_BENCH_HWM: not a number of messages: %s\n", configured);
    std::exit(2);
  }
  return static_cast<int>(value);
}

}  // namespace imchat::bench::zmq
