#pragma once
// A name held in a directory over a raw connection of the test's own, as a registrant
// holds it: with heartbeats, like a live locator, or without, like a host that went
// silent. For tests that need the directory to advertise endpoints of their choosing
// (a fault proxy's, say) or a registrant that vanishes.
//
//   held_registration proxied(directory_port, wire::object_kind::exchange, "E_cheese",
//                             {"127.0.0.1:" + std::to_string(proxy.port())});
//   held_registration silent(directory_port, wire::object_kind::queue, "Q_gone",
//                            {"127.0.0.1:1"}, held_registration::heartbeats::off);
//   CHECK(silent.wait_closed_by_directory());
//
// The connection is served by a thread of its own; the name is freed when the object
// goes (the connection closes).

#include "support/deadline.hpp"
#include "wire/control_frames.hpp"
#include "wire/directory_frames.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace imchat::test {

class held_registration {
 public:
  enum class heartbeats { on, off };

  // Connects to the directory on 127.0.0.1:port and registers `name`; fails the test
  // (REQUIRE) if the directory does not answer OK.
  held_registration(std::uint16_t directory_port, wire::object_kind kind, std::string name,
                    std::vector<std::string> endpoints, heartbeats beating = heartbeats::on);
  ~held_registration();
  held_registration(const held_registration&) = delete;
  held_registration& operator=(const held_registration&) = delete;

  // True once the directory has closed the connection; false if the timeout passes first.
  bool wait_closed_by_directory(std::chrono::milliseconds timeout = default_timeout);
  // The ERROR frame the directory closed with, if it sent one.
  std::optional<wire::error_frame> error() const;

  class state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace imchat::test
