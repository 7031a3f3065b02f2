#pragma once
// The host's network interfaces as the tests see them, read with getifaddrs directly so that
// expectations about interfaces do not come from the code under test.

#include <boost/asio/ip/address.hpp>

#include <string>
#include <vector>

namespace imchat::test {

struct seen_interface {
  std::string name;
  bool up = false;
  bool loopback = false;
  std::vector<boost::asio::ip::address> addresses;  // IPv6 ones without scope id
};

// In the order getifaddrs first mentions them; IPv4 alias labels ("eth0:1") folded into
// their interface.
std::vector<seen_interface> interfaces_seen();

// Whether any interface holds the address, compared without scope id.
bool host_has_address(const std::vector<seen_interface>& interfaces,
                      const boost::asio::ip::address& address);

boost::asio::ip::address without_scope(const boost::asio::ip::address& address);

}  // namespace imchat::test
