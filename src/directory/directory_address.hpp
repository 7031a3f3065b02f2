#pragma once
// Where the directory is (the tutorial's `locator_t locator (host)`, and `zmq_server
// 3333`): its well-known port, and "HOST[:PORT]" as users write it. Shared by the
// locator, the server and the commands, so that all of them agree on the default.

#include "net/endpoint.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace imchat::directory {

// The tutorial's zmq_server port.
inline constexpr std::uint16_t default_port = 5682;

// "HOST", "HOST:PORT" or "[V6ADDR]:PORT", the port defaulting to default_port. On error
// (std::errc::invalid_argument) `why` names the text: "directory address 'x': ...".
std::error_code parse_directory_address(std::string_view text, net::host_and_port& out, std::string& why);

}  // namespace imchat::directory
