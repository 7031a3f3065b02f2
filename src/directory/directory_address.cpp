#include "directory/directory_address.hpp"

namespace imchat::directory {

std::error_code parse_directory_address(std::string_view text, net::host_and_port& out, std::string& why) {
  std::string reason;
  const auto error = net::parse_endpoint(text, out, reason, default_port);
  if (error) why = "directory address '" + std::string(text) + "': " + reason;
  return error;
}

}  // namespace imchat::directory
