#pragma once
// The directory service (the tutorial's zmq_server): accepts locators' connections and
// answers their REGISTER, UNREGISTER, LOOKUP and LIST requests from one registry. Runs on
// one io_context; a bad client is disconnected with a logged reason, nobody else notices.

#include "directory/registry.hpp"
#include "net/listener.hpp"
#include "util/key_file.hpp"
#include "wire/frame_decoder.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace imchat::directory {

struct server_options {
  // Where to listen; the default is every interface (IPv6 dual-stack, or IPv4 only where
  // the host has no IPv6) on the directory's default port (directory_address.hpp).
  std::vector<boost::asio::ip::tcp::endpoint> listen;
  wire::decoder_limits limits{};
  std::chrono::milliseconds handshake_timeout{5000};
  // A client silent this long is closed and its names freed (heartbeats, both ways).
  std::chrono::milliseconds peer_timeout{5000};
  // Connections in all and per host (IPv4 address or IPv6 /64), and memory for partly
  // received frames: every room holds a connection, and so does every prompt and display.
  net::connection_limits admission{.max_connections = 16'384,
                                   .max_connections_per_host = 4'096,
                                   .max_partial_frame_bytes = 64 * 1024 * 1024};
  registry_limits names{};
  // With a key, only its holders get in (TLS 1.3 authenticated by it): strangers can
  // neither list, look up nor register names.
  std::optional<secret_key> key{};
};

class directory_session;

class directory_server {
 public:
  // Binds and listens at once; throws std::system_error naming the address on failure.
  directory_server(boost::asio::io_context& io, server_options options);
  ~directory_server();
  directory_server(const directory_server&) = delete;
  directory_server& operator=(const directory_server&) = delete;

  // Where it listens (with the OS-chosen port when asked for port 0).
  std::vector<boost::asio::ip::tcp::endpoint> local_endpoints() const;

  // Closes the listeners and every connection; their names are freed.
  void stop();

  std::size_t connection_count() const noexcept { return sessions_.size(); }
  const registry& names() const noexcept { return registry_; }

 private:
  friend class directory_session;

  void on_connection(std::shared_ptr<net::framed_connection> connection);
  void on_session_closed(owner_id owner);

  server_options options_;
  std::shared_ptr<net::listener> listener_;
  registry registry_;
  owner_id next_owner_ = 1;
  std::map<owner_id, std::shared_ptr<directory_session>> sessions_;
};

}  // namespace imchat::directory
