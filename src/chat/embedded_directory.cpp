#include "chat/embedded_directory.hpp"

#include "directory/directory_address.hpp"
#include "net/listener.hpp"

#include <spdlog/spdlog.h>

namespace imchat::chat {

std::unique_ptr<directory::directory_thread> serve_directory(std::string_view address,
                                                           std::chrono::milliseconds peer_timeout,
                                                           const std::optional<secret_key>& key) {
  net::host_and_port parsed;
  std::string why;
  if (const auto error = directory::parse_directory_address(address, parsed, why)) throw std::system_error(error, why);
  std::unique_ptr<directory::directory_thread> served;
  try {
    served = std::make_unique<directory::directory_thread>(
        directory::server_options{.listen = net::listen_everywhere(parsed.port), .peer_timeout = peer_timeout, .key = key});
  } catch (const std::system_error& e) {
    if (e.code() != std::errc::address_in_use) throw;
    spdlog::info("the directory's port {} is in use already: using the directory there", parsed.port);
    return nullptr;
  }
  spdlog::info("serving the directory on port {}", parsed.port);
  return served;
}

}  // namespace imchat::chat
