#pragma once
// A TCP forwarder for tests that need a network that misbehaves: it listens on 127.0.0.1
// (a port the OS picks) and forwards every connection it accepts to 127.0.0.1:TARGET,
// until told to cut, stall, delay or refuse.
//
//   fault_proxy proxy(room_port);      // advertise proxy.port() instead of room_port
//   proxy.stall();                     // both ends now hear nothing, connections stay up
//   ...                                // (what they said meanwhile is held, not lost)
//   proxy.unstall();                   // held bytes flow on
//   proxy.cut();                       // every current connection is reset
//
// It runs on a thread of its own. Every member function may be called from any thread;
// a command has taken effect on every connection by the time it returns.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace imchat::test {

// What one forwarded connection carried, as a tap on the wire would see it (the first
// MiB each way).
struct recorded_connection {
  std::string from_client;
  std::string from_target;
};

class fault_proxy {
 public:
  // Throws std::system_error if it cannot listen.
  explicit fault_proxy(std::uint16_t target_port);
  // Closes the listener and every connection.
  ~fault_proxy();
  fault_proxy(const fault_proxy&) = delete;
  fault_proxy& operator=(const fault_proxy&) = delete;

  // Where to connect to reach the target through the proxy.
  std::uint16_t port() const;

  // Resets every current connection on both sides (RST, as when a middlebox drops the
  // flow); connections made afterwards are forwarded as usual.
  void cut();
  // Stops forwarding in both directions, reading nothing more, writing nothing more, but
  // keeps the connections open: the endpoints see silence, as over a dead link. Bytes
  // already read are held and go on at unstall(). New connections are accepted and
  // connected to the target, and stall as well.
  void stall();
  void unstall();
  // Forwards each chunk read `delay` after it was read, in order (0: at once).
  void set_delay(std::chrono::milliseconds delay);
  // While on, new connections are accepted and closed at once, without connecting to
  // the target; current ones are untouched.
  void refuse(bool on);

  // Connections being forwarded now.
  std::size_t open_connections() const;
  // Every connection accepted so far, refused ones included.
  std::size_t accepted_connections() const;
  // The bytes of every connection forwarded so far, in the order they were accepted.
  std::vector<recorded_connection> recordings() const;

  class impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace imchat::test
