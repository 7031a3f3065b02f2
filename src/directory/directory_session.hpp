#pragma once
// One locator's connection to the directory: decodes its requests, applies them to the
// registry under the connection's owner id, and answers. When the connection ends, the
// server releases every name it held.

#include "directory/registry.hpp"
#include "net/framed_connection.hpp"

#include <memory>

namespace imchat::directory {

class directory_server;

class directory_session : public std::enable_shared_from_this<directory_session> {
 public:
  directory_session(directory_server& server, owner_id owner,
                    std::shared_ptr<net::framed_connection> connection);

  void start();
  void close();

 private:
  void on_frame(wire::frame&& frame);

  directory_server& server_;
  owner_id owner_;
  std::shared_ptr<net::framed_connection> connection_;
};

}  // namespace imchat::directory
