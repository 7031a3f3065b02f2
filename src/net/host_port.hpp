#pragma once
// Splits "HOST[:PORT]" text, with an IPv6 host in brackets ("[::1]:5555"), the way both
// interface specs and directory endpoints are written, so that the two agree on brackets
// and ports.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imchat::net {

struct host_port_text {
  std::string_view host;              // brackets removed; never empty
  bool bracketed = false;             // the host was written in brackets
  std::optional<std::uint16_t> port;  // absent when the text has no ":PORT"
};

// Text with two or more colons and no brackets is taken whole as the host (a bare IPv6
// address such as "::1"), without a port: an IPv6 address with a port needs brackets.
// On failure returns nothing and sets `why` to the reason: "empty host", "missing port",
// "port 'x' is not a number", "port out of range (0-65535)", an unbalanced bracket or
// text after the closing bracket.
std::optional<host_port_text> split_host_port(std::string_view text, std::string& why);

}  // namespace imchat::net
