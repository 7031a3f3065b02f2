#pragma once
// Interface specs, as the tutorial writes them on the command line: "eth0:5555",
// "eth0" (the OS picks the port), "*:5555", "*", "127.0.0.1:5555", "[::1]:5555",
// "localhost:5555". A spec says where a global object listens; resolving it gives the
// addresses to bind and the endpoints to advertise in the directory.

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace imchat::net {

struct interface_spec {
  enum class host_kind {
    any,        // "*": every interface
    interface,  // a network interface name such as "eth0" or "lo"
    address,    // a literal IPv4 or IPv6 address
    hostname,   // a name to resolve, such as "localhost"
  };
  host_kind kind = host_kind::any;
  std::string host;        // as written, without brackets; empty for "*"
  std::uint16_t port = 0;  // 0: the OS picks
  std::string text;        // the spec as the user wrote it, for error messages
};

// Parses a spec. Errors (std::errc::invalid_argument) for: empty text, a bad or out-of-range
// port ("eth0:99999", "eth0:x", "eth0:"), unbalanced brackets, an empty host (":5555").
// `why` then explains, naming the spec.
std::error_code parse_interface_spec(std::string_view text, interface_spec& out, std::string& why);

struct resolved_interface {
  // Where to listen: one endpoint for a single address; "*" binds the IPv6 wildcard
  // (dual-stack) or, where IPv6 is unavailable, 0.0.0.0.
  std::vector<boost::asio::ip::tcp::endpoint> bind_endpoints;
  // What to advertise (before the port is known, with port 0 if the spec had none):
  // for "*", every address of every up, non-loopback interface (loopback ones too when
  // the host has nothing else); for an interface name, that interface's addresses
  // (IPv4 first; IPv6 link-local ones with their scope id); otherwise the bound address.
  std::vector<boost::asio::ip::address> advertised_addresses;
};

// Resolves a parsed spec against this host's interfaces (getifaddrs) or the resolver.
// Errors name the spec in `why`: an unknown interface (listing the ones that exist), an
// interface without addresses, a hostname that does not resolve.
std::error_code resolve_interface_spec(const interface_spec& spec, resolved_interface& out,
                                       std::string& why);

// "HOST:PORT", with an IPv6 host in brackets and a scope id as %NAME: the form the
// directory stores and endpoints are parsed from.
std::string format_endpoint(const boost::asio::ip::address& address, std::uint16_t port);

// Parses "HOST:PORT" / "[V6]:PORT" into a host (brackets removed) and port.
std::error_code parse_endpoint(std::string_view text, std::string& host, std::uint16_t& port);

}  // namespace imchat::net
