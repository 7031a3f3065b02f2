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

// The bound imchat's kernel puts on a queue (kernel_options): the libzmq relay gets the
// same in messages, so that neither side wins by buffering more.
inline constexpr int high_water_mark = 100'000;

}  // namespace imchat::bench::zmq
