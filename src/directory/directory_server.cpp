#include "directory/directory_server.hpp"

#include "directory/directory_address.hpp"
#include "directory/directory_session.hpp"
#include "net/tls_context.hpp"
#include "util/printable_text.hpp"
#include "wire/error.hpp"

#include <spdlog/spdlog.h>

namespace imchat::directory {

namespace asio = boost::asio;
using asio::ip::tcp;

directory_server::directory_server(asio::io_context& io, server_options options)
    : options_(std::move(options)), registry_(options_.names) {
  if (options_.listen.empty()) options_.listen = net::listen_everywhere(default_port);
  listener_ = net::listener::create(io, {}, "directory",
                                    {.connection = {.self = wire::role::directory_server,
                                                    .expected_peer = wire::role::directory_client,
                                                    .limits = options_.limits,
                                                    .handshake_timeout = options_.handshake_timeout,
                                                    .tls = options_.key ? net::tls_context::create(*options_.key)
                                                                        : nullptr},
                                     .peer_timeout = options_.peer_timeout,
                                     .limits = options_.admission});
  std::string why;
  if (const auto error = listener_->listen(options_.listen, why)) throw std::system_error(error, why);
  // The listener runs its handler on `io`, where this server lives; it never outlives
  // the server, which closes it first.
  listener_->start([this](std::shared_ptr<net::framed_connection> connection, asio::io_context&) {
    on_connection(std::move(connection));
  });
}

directory_server::~directory_server() { stop(); }

std::vector<tcp::endpoint> directory_server::local_endpoints() const { return listener_->local_endpoints(); }

void directory_server::on_connection(std::shared_ptr<net::framed_connection> connection) {
  const auto owner = next_owner_++;
  spdlog::debug("{}: connected", connection->peer());
  auto session = std::make_shared<directory_session>(*this, owner, std::move(connection));
  sessions_.emplace(owner, session);
  session->start();
}

void directory_server::on_session_closed(owner_id owner) {
  for (const auto& name : registry_.release(owner))
    spdlog::debug("directory: freed '{}'", printable_text(name));
  sessions_.erase(owner);
}

void directory_server::stop() {
  listener_->close();
  auto sessions = std::move(sessions_);
  sessions_.clear();
  for (auto& [owner, session] : sessions) {
    registry_.release(owner);
    session->close();
  }
}

}  // namespace imchat::directory
