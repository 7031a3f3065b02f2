// The libzmq counterpart of `imchat display`, for bench/run.sh: a SUB socket on the
// room's PUB socket; every message is printed on its own line, control characters
// escaped as the display escapes them, flushed at least every 100 ms.
//
//   zmq_display tcp://127.0.0.1:5556 > /dev/null

#include "bench/zmq/zmq_check.hpp"
#include "chat/terminal_text.hpp"

#include <chrono>
#include <string>
#include <string_view>

using namespace imchat::bench::zmq;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: zmq_display OUT_ENDPOINT\n");
    return 2;
  }
  void* context = zmq_ctx_new();
  void* in = zmq_socket(context, ZMQ_SUB);
  set_int(in, ZMQ_RCVHWM, high_water_mark(), "ZMQ_RCVHWM");
  check(zmq_setsockopt(in, ZMQ_SUBSCRIBE, "", 0), "ZMQ_SUBSCRIBE");
  set_int(in, ZMQ_RCVTIMEO, 100, "ZMQ_RCVTIMEO");  // as the display's receive(100ms)
  check(zmq_connect(in, argv[1]), argv[1]);
  auto last_flush = std::chrono::steady_clock::now();
  for (;;) {
    zmq_msg_t message;
    zmq_msg_init(&message);
    const bool ready = zmq_msg_recv(&message, in, 0) >= 0;
    if (!ready && zmq_errno() != EAGAIN) check(-1, "receive");
    if (ready) {
      const std::string_view text(static_cast<const char*>(zmq_msg_data(&message)), zmq_msg_size(&message));
      std::fputs((imchat::chat::terminal_safe(text) + "\n").c_str(), stdout);
    }
    zmq_msg_close(&message);
    if (!ready || std::chrono::steady_clock::now() - last_flush >= std::chrono::milliseconds(100)) {
      std::fflush(stdout);
      last_flush = std::chrono::steady_clock::now();
    }
  }
}
