#include "directory/directory_address.hpp"

namespace imchat::directory {

std::error_code parse_directory_address(std::string_view text, net::host_and_port& out, std::string& why) {
  std::string reason;
  const auto error = net::parse_endpoint(text, out, reason, default_port);
  if (error) why = "directory address '" + std::string(text) + "': " + reason;
  return error;
}

bool is_etcd_address(std::string_view text) noexcept { return text.starts_with(etcd_scheme); }

std::error_code parse_etcd_address(std::string_view text, std::vector<net::host_and_port>& members, std::string& why) {
  members.clear();
  const auto fail = [&](std::string_view reason) {
    why = "directory address '" + std::string(text) + "': " + std::string(reason);
    return std::make_error_code(std::errc::invalid_argument);
  };
  if (!is_etcd_address(text)) return fail("an etcd cluster is written etcd://HOST[:PORT][,HOST[:PORT]...]");
  auto rest = text.substr(etcd_scheme.size());
  if (rest.empty()) return fail("names no etcd member");
  while (true) {
    const auto comma = rest.find(',');
    const auto member = rest.substr(0, comma);
    net::host_and_port parsed;
    std::string reason;
    if (member.empty()) return fail("has an empty member between commas");
    if (net::parse_endpoint(member, parsed, reason, etcd_default_port)) return fail(reason);
    members.push_back(std::move(parsed));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return {};
}

std::error_code check_directory_address(std::string_view text, std::string& why) {
  if (is_etcd_address(text)) {
    std::vector<net::host_and_port> members;
    return parse_etcd_address(text, members, why);
  }
  net::host_and_port address;
  return parse_directory_address(text, address, why);
}

}  // namespace imchat::directory
