// The libzmq counterpart of `imchat prompt`, for bench/run.sh: each line of standard
// input goes to the room's PULL socket as "USER: line"; at end of input it delivers
// everything (libzmq's default linger) and exits.
//
//   zmq_prompt tcp://127.0.0.1:5555 kofi < lines.txt

#include "bench/zmq/zmq_check.hpp"

#include <iostream>
#include <string>

using namespace imchat::bench::zmq;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: zmq_prompt IN_ENDPOINT USER\n");
    return 2;
  }
  std::ios::sync_with_stdio(false);
  void* context = zmq_ctx_new();
  void* out = zmq_socket(context, ZMQ_PUSH);
  set_int(out, ZMQ_SNDHWM, high_water_mark(), "ZMQ_SNDHWM");
  check(zmq_connect(out, argv[1]), argv[1]);
  const std::string user = std::string(argv[2]) + ": ";
  std::string line, text;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    text = user + line;
    check(zmq_send(out, text.data(), text.size(), 0), "send");
  }
  zmq_close(out);
  zmq_ctx_term(context);
  return 0;
}
