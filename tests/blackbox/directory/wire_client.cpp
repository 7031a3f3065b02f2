#include "blackbox/directory/wire_client.hpp"

#include "wire/frame_decoder.hpp"
#include "wire/greeting.hpp"

namespace imchat::test {
namespace {

std::string greeting_of(wire::role sender) {
  const auto bytes = wire::encode_greeting(sender);
  return std::string(wire::as_text(bytes));
}

}  // namespace

std::string client_greeting() { return greeting_of(wire::role::directory_client); }
std::string server_greeting() { return greeting_of(wire::role::directory_server); }

std::string frame_header(std::uint32_t body_length, std::uint8_t type) {
  std::string header;
  for (const int shift : {24, 16, 8, 0}) header += static_cast<char>((body_length >> shift) & 0xFFu);
  header += static_cast<char>(type);
  return header;
}

std::vector<wire::frame> frames_in(std::string_view received) {
  std::vector<wire::frame> frames;
  if (received.size() < wire::greeting_size) return frames;
  auto rest = wire::as_bytes(received.substr(wire::greeting_size));
  wire::frame_decoder decoder;
  while (!rest.empty()) {
    std::error_code ec;
    rest = rest.subspan(decoder.put(rest, ec));
    if (ec) break;  // the rest is incomplete, or not protocol
    frames.push_back(decoder.take());
  }
  return frames;
}

std::optional<wire::error_frame> first_error(std::string_view received) {
  for (const auto& frame : frames_in(received)) {
    if (frame.type != wire::frame_type::error) continue;
    wire::error_frame error;
    if (wire::decode(frame.body, error)) return std::nullopt;
    return error;
  }
  return std::nullopt;
}

directory_wire_client::directory_wire_client(std::uint16_t port) : socket_(port) {}

bool directory_wire_client::greet(wire::role self, wire::role peer) {
  return socket_.send_bytes(greeting_of(self)) && socket_.receive_exactly(wire::greeting_size) == greeting_of(peer);
}

std::optional<wire::frame> directory_wire_client::receive_frame(std::chrono::milliseconds timeout) {
  const deadline until(timeout);
  for (;;) {
    const auto header = socket_.receive_exactly(wire::frame_header_size, std::chrono::milliseconds(until.poll_timeout()));
    if (!header) return std::nullopt;
    std::uint32_t length = 0;
    for (std::size_t i = 0; i < 4; ++i) length = (length << 8) | static_cast<unsigned char>((*header)[i]);
    const auto body = socket_.receive_exactly(length, std::chrono::milliseconds(until.poll_timeout()));
    if (!body) return std::nullopt;
    wire::frame frame;
    frame.type = static_cast<wire::frame_type>(static_cast<std::uint8_t>((*header)[4]));
    if (frame.type == wire::frame_type::heartbeat && body->empty()) continue;
    const auto body_bytes = wire::as_bytes(*body);
    frame.body.assign(body_bytes.begin(), body_bytes.end());
    return frame;
  }
}

std::optional<wire::error_frame> directory_wire_client::receive_error(std::chrono::milliseconds timeout) {
  return reply_as<wire::error_frame>(receive_frame(timeout), wire::frame_type::error);
}

}  // namespace imchat::test
