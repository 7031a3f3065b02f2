// The libzmq counterpart of `imchat room`, for bench/run.sh: a PULL socket takes what
// prompts send, each message gets the same ctime() prefix the room puts in front, and a
// PUB socket hands it to every display.
//
//   zmq_room tcp://127.0.0.1:5555 tcp://127.0.0.1:5556

#include "bench/zmq/zmq_check.hpp"
#include "chat/timestamp.hpp"

#include <cstring>
#include <ctime>

using namespace imchat::bench::zmq;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: zmq_room IN_ENDPOINT OUT_ENDPOINT\n");
    return 2;
  }
  void* context = zmq_ctx_new();
  void* in = zmq_socket(context, ZMQ_PULL);
  void* out = zmq_socket(context, ZMQ_PUB);
  set_int(in, ZMQ_RCVHWM, high_water_mark(), "ZMQ_RCVHWM");
  set_int(out, ZMQ_SNDHWM, high_water_mark(), "ZMQ_SNDHWM");
  check(zmq_bind(in, argv[1]), argv[1]);
  check(zmq_bind(out, argv[2]), argv[2]);
  for (;;) {
    zmq_msg_t message;
    zmq_msg_init(&message);
    check(zmq_msg_recv(&message, in, 0), "receive");
    const auto& prefix = imchat::chat::timestamp_prefix(std::time(nullptr));
    zmq_msg_t stamped;
    zmq_msg_init_size(&stamped, prefix.size() + zmq_msg_size(&message));
    auto* bytes = static_cast<char*>(zmq_msg_data(&stamped));
    std::memcpy(bytes, prefix.data(), prefix.size());
    std::memcpy(bytes + prefix.size(), zmq_msg_data(&message), zmq_msg_size(&message));
    zmq_msg_close(&message);
    check(zmq_msg_send(&stamped, out, 0), "send");
  }
}
