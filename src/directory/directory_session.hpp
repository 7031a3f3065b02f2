#pragma once
// One locator's connection to the directory: decodes its requests, applies them to the
// registry under the connection's owner id, and answers. When the connection ends, the
// server releases every name it held.
//
// What waits for the client to read is bounded: a LIST reply is made a RECORDS frame at a
// time as the client reads the ones before (its later requests wait meanwhile), and a
// client whose replies pile up unread is not read from until they leave.

#include "directory/registry.hpp"
#include "net/framed_connection.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace imchat::directory {

class directory_server;

class directory_session : public std::enable_shared_from_this<directory_session> {
 public:
  directory_session(directory_server& server, owner_id owner,
                    std::shared_ptr<net::framed_connection> connection);

  void start();
  void close();

 private:
  void on_frame(wire::frame_view frame);
  void continue_listing();
  void apply_backpressure();

  directory_server& server_;
  owner_id owner_;
  std::shared_ptr<net::framed_connection> connection_;
  std::string host_;  // what the client's names count against (net::host_key)
  // The LIST being answered, and the last name sent of it.
  struct listing {
    std::uint32_t request = 0;
    std::string prefix;
    std::optional<std::string> after;
  };
  std::optional<listing> listing_;
};

}  // namespace imchat::directory
