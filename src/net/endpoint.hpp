#pragma once
// Endpoint text, in the one place that reads and writes it: "HOST:PORT", with an IPv6
// host in brackets ("[::1]:5555") and a link-local scope id as %NAME. Interface specs,
// directory addresses and the endpoints the directory stores are all written this way,
// so they agree on brackets and ports.
//
// Error style of the net layer: a std::error_code (std::errc::invalid_argument for
// malformed text) and, through `why`, what is wrong with it ("missing port"), for the
// caller to put after what the text was ("directory address 'x': missing port"); on
// error the output is left as it was.

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace imchat::net {

// Something to connect to: a host (a name or an address, brackets removed) and a port.
struct host_and_port {
  std::string host;
  std::uint16_t port = 0;
  bool operator==(const host_and_port&) const = default;
};

// "HOST:PORT" / "[V6]:PORT" / "V6" split, before anyone decides what the host means.
struct host_port_text {
  std::string_view host;              // brackets removed; never empty
  bool bracketed = false;             // the host was written in brackets
  std::optional<std::uint16_t> port;  // absent when the text has no ":PORT"
};

// Text with two or more colons and no brackets is taken whole as the host (a bare IPv6
// address such as "::1"), without a port: an IPv6 address with a port needs brackets.
// Refuses an empty host, a missing, non-numeric or out-of-range port (0-65535 here), an
// unbalanced bracket or text after the closing bracket.
std::error_code split_host_port(std::string_view text, host_port_text& out, std::string& why);

// An endpoint to connect to: the port must be 1-65535, or, when the text has none and
// `default_port` is not 0, `default_port`; brackets hold only an IPv6 address; the host
// has no space or control character.
std::error_code parse_endpoint(std::string_view text, host_and_port& out, std::string& why,
                               std::uint16_t default_port = 0);

// What a host text is: a literal address (an IPv6 one without brackets), and whether it
// holds a space or control character, which no host name does.
bool is_ip_literal(std::string_view text);
bool is_ipv6_literal(std::string_view text);
bool has_space_or_control(std::string_view text);

// "HOST:PORT" for an address: an IPv6 one in brackets, with its scope id as %NAME; an
// IPv4 address mapped into IPv6 (as a dual-stack socket reports IPv4 peers) as IPv4.
std::string format_endpoint(const boost::asio::ip::address& address, std::uint16_t port);
std::string format_endpoint(const host_and_port& endpoint);

}  // namespace imchat::net
