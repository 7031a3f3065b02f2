#include "support/held_registration.hpp"

#include "support/raw_tcp_client.hpp"
#include "wire/body_writer.hpp"
#include "wire/frame_decoder.hpp"
#include "wire/greeting.hpp"

#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace imchat::test {

using namespace std::chrono_literals;

namespace {

// What a locator sends when idle (docs/wire-protocol.md, Heartbeats).
constexpr auto heartbeat_interval = 1s;

std::string frame_text(const auto& frame) {
  wire::bytes out;
  wire::encode(out, frame);
  return std::string(wire::as_text(out));
}

std::string heartbeat_text() {
  wire::bytes out;
  wire::append_frame(out, wire::frame_type::heartbeat);
  return std::string(wire::as_text(out));
}

}  // namespace

class held_registration::state {
 public:
  explicit state(std::uint16_t port) : socket(port) {}

  // The connection's life after the registration: heartbeats out (if on), frames in,
  // until the directory closes or the owner stops.
  void serve(heartbeats beating) {
    auto next_heartbeat = std::chrono::steady_clock::now() + heartbeat_interval;
    while (!stopping()) {
      if (beating == heartbeats::on && std::chrono::steady_clock::now() >= next_heartbeat) {
        socket.send_bytes(heartbeat_text(), 1s);
        next_heartbeat += heartbeat_interval;
      }
      take_frames(socket.receive_some(100ms));
      if (socket.wait_closed(0ms)) {
        take_frames(socket.receive_some(0ms));
        const std::lock_guard lock(mutex);
        closed = true;
        changed.notify_all();
        return;
      }
    }
  }

  void take_frames(std::string_view bytes) {
    auto input = wire::as_bytes(bytes);
    while (!input.empty()) {
      std::error_code ec;
      input = input.subspan(decoder.put(input, ec));
      if (ec) return;
      auto frame = decoder.take();
      wire::error_frame received;
      if (frame.type == wire::frame_type::error && !wire::decode(frame.body, received)) {
        const std::lock_guard lock(mutex);
        error = received;
      }
    }
  }

  bool stopping() {
    const std::lock_guard lock(mutex);
    return stop;
  }

  raw_tcp_client socket;
  wire::frame_decoder decoder;
  std::thread thread;
  mutable std::mutex mutex;
  std::condition_variable changed;
  bool stop = false;
  bool closed = false;
  std::optional<wire::error_frame> error;
};

held_registration::held_registration(std::uint16_t directory_port, wire::object_kind kind, std::string name,
                                     std::vector<std::string> endpoints, heartbeats beating)
    : state_(std::make_shared<state>(directory_port)) {
  auto& socket = state_->socket;
  const auto greeting = wire::encode_greeting(wire::role::directory_client);
  REQUIRE(socket.send_bytes(wire::as_text(greeting)));
  REQUIRE(socket.receive_exactly(wire::greeting_size).has_value());
  REQUIRE(socket.send_bytes(frame_text(wire::register_request{1, kind, name, std::move(endpoints)})));
  // The reply: OK for request 1 (the connection is fresh, so no heartbeat comes first).
  const auto reply = socket.receive_exactly(wire::frame_header_size + 4);
  REQUIRE_MESSAGE(reply.has_value(), "no reply to REGISTER '" << name << "'");
  REQUIRE_MESSAGE(*reply == frame_text(wire::ok_reply{1}), "REGISTER '" << name << "' refused");
  state_->thread = std::thread([state = state_, beating] { state->serve(beating); });
}

held_registration::~held_registration() {
  {
    const std::lock_guard lock(state_->mutex);
    state_->stop = true;
  }
  state_->thread.join();
}

bool held_registration::wait_closed_by_directory(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, timeout, [this] { return state_->closed; });
}

std::optional<wire::error_frame> held_registration::error() const {
  const std::lock_guard lock(state_->mutex);
  return state_->error;
}

}  // namespace imchat::test
