#pragma once
// This host's network interfaces and their addresses, as the kernel reports them
// (if_nameindex for the names, getifaddrs for flags and addresses).

#include <boost/asio/ip/address.hpp>

#include <string>
#include <system_error>
#include <vector>

namespace imchat::net {

struct network_interface {
  std::string name;
  unsigned index = 0;
  bool up = false;
  bool loopback = false;
  // In the order the kernel lists them. IPv6 link-local addresses carry the interface's
  // index as scope id, without which they cannot be bound or reached. Addresses of an
  // alias label ("eth0:1") belong to the interface it labels.
  std::vector<boost::asio::ip::address> addresses;
};

// Every interface, addresses or not, up or down, in index order.
std::error_code list_network_interfaces(std::vector<network_interface>& out);

// Whether this host can open IPv6 sockets at all (the kernel may be built or booted
// without IPv6), so that a wildcard bind knows whether "::" is available.
bool host_supports_ipv6() noexcept;

}  // namespace imchat::net
