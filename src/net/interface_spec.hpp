#pragma once
// Interface specs, as the tutorial writes them on the command line: "eth0:5555",
// "eth0" (the OS picks the port), "*:5555", "*", "127.0.0.1:5555", "[::1]:5555",
// "localhost:5555". A spec says where a global object listens; resolving it gives the
// addresses to bind and the endpoints to advertise in the directory. Its HOST:PORT text
// is read by net/endpoint.hpp, as every endpoint is.

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
// port ("eth0:99999", "eth0:x", "eth0:"), unbalanced brackets or text after "]" ("[::1",
// "[::1]x"), an empty host (":5555"), brackets around something that is not an IPv6 address,
// a space or control character in the host. `why` then explains, naming the spec; on error
// `out` is left as it was.
//
// The host is told apart in this order: "*"; a literal address (an IPv6 one needs brackets
// to take a port, "[::1]:5555"; a bare "::1" is an address without port); the name of an
// interface this host has; anything else is a host name for the resolver. So an existing
// interface wins over a machine of the same name, and "localhost" goes to the resolver.
std::error_code parse_interface_spec(std::string_view text, interface_spec& out, std::string& why);

struct resolved_interface {
  // Where to listen: one endpoint for a single address; "*" binds the IPv6 wildcard
  // (dual-stack: the caller clears v6_only) or, where IPv6 is unavailable, 0.0.0.0. An
  // interface or a host name binds each of its addresses, so that nothing listens on
  // interfaces the user did not name; with port 0, bind the first and reuse the port it got
  // for the others, so that every advertised address shares one port.
  std::vector<boost::asio::ip::tcp::endpoint> bind_endpoints;
  // What to advertise (before the port is known, with port 0 if the spec had none):
  // for "*", every address of every up, non-loopback interface (loopback ones too when
  // the host has nothing else); for an interface name, that interface's addresses
  // (IPv4 first; IPv6 link-local ones with their scope id); otherwise the bound address.
  // A literal wildcard ("0.0.0.0", "[::]") binds as written but advertises like "*" (IPv4
  // addresses only for 0.0.0.0). Never a wildcard address.
  std::vector<boost::asio::ip::address> advertised_addresses;
};

// Resolves a parsed spec against this host's interfaces (getifaddrs) or the resolver.
// Errors name the spec in `why`: an unknown interface (listing the ones that exist,
// std::errc::no_such_device), an interface without addresses, an address that is not this
// host's or a host name that resolves to none of this host's (address_not_available), a
// host name that does not resolve (the resolver's error; no_such_device when the name could
// have been a misspelt interface, and `why` then says both). On error `out` is unchanged.
std::error_code resolve_interface_spec(const interface_spec& spec, resolved_interface& out,
                                       std::string& why);

}  // namespace imchat::net
