#pragma once
// Where the directory is (the tutorial's `locator_t locator (host)`, and `zmq_server
// 3333`): its well-known port, and "HOST[:PORT]" as users write it; or an etcd cluster's
// members, "etcd://HOST:PORT,...". Shared by the
// locator, the server and the commands, so that all of them agree on the default.

#include "net/endpoint.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace imchat::directory {

// The tutorial's zmq_server port.
inline constexpr std::uint16_t default_port = 5682;

// "HOST", "HOST:PORT" or "[V6ADDR]:PORT", the port defaulting to default_port. On error
// (std::errc::invalid_argument) `why` names the text: "directory address 'x': ...".
std::error_code parse_directory_address(std::string_view text, net::host_and_port& out, std::string& why);

// An etcd cluster as the directory (docs/etcd.md): "etcd://HOST[:PORT][,HOST[:PORT]...]",
// the members to ask, the port defaulting to etcd's client port.
inline constexpr std::string_view etcd_scheme = "etcd://";
inline constexpr std::uint16_t etcd_default_port = 2379;
bool is_etcd_address(std::string_view text) noexcept;
std::error_code parse_etcd_address(std::string_view text, std::vector<net::host_and_port>& members, std::string& why);

// Either form, checked before anything starts (a --directory option, say).
std::error_code check_directory_address(std::string_view text, std::string& why);

}  // namespace imchat::directory
