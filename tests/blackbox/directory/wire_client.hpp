#pragma once
// A directory client that speaks the wire protocol by hand over a raw_tcp_client, so a
// test can send exactly the bytes it wants (well-formed or not) and read each frame the
// directory answers with. Frames are encoded and decoded with src/wire, which has its own
// unit tests; what is under test here is the server.
//
//   directory_wire_client client(server.port());
//   client.greet();
//   client.send_request(wire::lookup_request{7, "Q_cheese"});
//   auto reply = client.receive_frame();

#include "support/raw_tcp_client.hpp"
#include "wire/control_frames.hpp"
#include "wire/directory_frames.hpp"
#include "wire/greeting.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::test {

// The greetings the directory's clients and the directory itself send.
std::string client_greeting();
std::string server_greeting();
// A frame header: the u32 body length and the type byte, as a sender would write them.
std::string frame_header(std::uint32_t body_length, std::uint8_t type);

// The whole frames in what a server sent on one connection, after its greeting.
std::vector<wire::frame> frames_in(std::string_view received);
// The first ERROR frame among them, or nullopt when there is none.
std::optional<wire::error_frame> first_error(std::string_view received);

template <class Frame>
std::string encoded(const Frame& frame) {
  wire::bytes out;
  wire::encode(out, frame);
  return std::string(wire::as_text(out));
}

class directory_wire_client {
 public:
  // Connects to 127.0.0.1:port; sends nothing yet (throws if nothing accepts).
  explicit directory_wire_client(std::uint16_t port);

  // Sends the client greeting and takes the server's; false if it did not arrive intact.
  // Other roles speak to other servers: (kernel_peer, kernel_object) to a room's objects.
  bool greet(wire::role self = wire::role::directory_client, wire::role peer = wire::role::directory_server);

  // False if the server closed the connection, or did not take the bytes in time.
  bool send(std::string_view bytes, std::chrono::milliseconds timeout = default_timeout) {
    return socket_.send_bytes(bytes, timeout);
  }
  template <class Request>
  bool send_request(const Request& request) {
    return send(encoded(request));
  }

  // The next whole frame other than HEARTBEAT (which the directory sends on a connection
  // idle for a second), or nullopt when the connection closes or the timeout passes
  // before one has arrived.
  std::optional<wire::frame> receive_frame(std::chrono::milliseconds timeout = default_timeout);
  // The next frame, which must be an ERROR: nullopt otherwise.
  std::optional<wire::error_frame> receive_error(std::chrono::milliseconds timeout = default_timeout);

  raw_tcp_client& socket() { return socket_; }

 private:
  raw_tcp_client socket_;
};

// Decodes a reply frame's body as `Reply` if the frame has `type`; nullopt otherwise.
template <class Reply>
std::optional<Reply> reply_as(const std::optional<wire::frame>& frame, wire::frame_type type) {
  if (!frame || frame->type != type) return std::nullopt;
  Reply reply;
  if (wire::decode(frame->body, reply)) return std::nullopt;
  return reply;
}

}  // namespace imchat::test
