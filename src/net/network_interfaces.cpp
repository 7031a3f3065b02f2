#include "net/network_interfaces.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace imchat::net {
namespace {

std::error_code last_system_error() { return {errno, std::system_category()}; }

// getifaddrs names an IPv4 alias by its label, "eth0:1"; a real interface name never
// contains ':', so the part before it is the interface.
std::string_view interface_of_label(std::string_view label) {
  return label.substr(0, label.find(':'));
}

std::optional<boost::asio::ip::address> address_of(const sockaddr* socket_address,
                                                   unsigned interface_index) {
  if (socket_address == nullptr) return std::nullopt;
  if (socket_address->sa_family == AF_INET) {
    sockaddr_in v4;
    std::memcpy(&v4, socket_address, sizeof v4);
    std::array<unsigned char, 4> bytes;
    std::memcpy(bytes.data(), &v4.sin_addr, bytes.size());
    return boost::asio::ip::address_v4(bytes);
  }
  if (socket_address->sa_family == AF_INET6) {
    sockaddr_in6 v6;
    std::memcpy(&v6, socket_address, sizeof v6);
    std::array<unsigned char, 16> bytes;
    std::memcpy(bytes.data(), &v6.sin6_addr, bytes.size());
    boost::asio::ip::address_v6 address(bytes, v6.sin6_scope_id);
    // glibc fills the scope id in for link-local addresses, but not every kernel emulation
    // does; a link-local address without one is useless, and its interface is known.
    if (address.is_link_local() && address.scope_id() == 0) address.scope_id(interface_index);
    return address;
  }
  return std::nullopt;  // link-layer (AF_PACKET) and other families carry no IP address
}

network_interface named_interface(std::string name, unsigned index) {
  network_interface found;
  found.name = std::move(name);
  found.index = index;
  return found;
}

}  // namespace

std::error_code list_network_interfaces(std::vector<network_interface>& out) {
  out.clear();

  const std::unique_ptr<struct if_nameindex, decltype(&if_freenameindex)> names(
      if_nameindex(), &if_freenameindex);
  if (!names) return last_system_error();
  for (const auto* entry = names.get(); entry->if_index != 0; ++entry)
    out.push_back(named_interface(entry->if_name, entry->if_index));

  ifaddrs* raw_list = nullptr;
  if (getifaddrs(&raw_list) != 0) return last_system_error();
  const std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> list(raw_list, &freeifaddrs);

  for (const auto* entry = list.get(); entry != nullptr; entry = entry->ifa_next) {
    const auto name = interface_of_label(entry->ifa_name);
    auto found = std::find_if(out.begin(), out.end(),
                              [&](const network_interface& known) { return known.name == name; });
    if (found == out.end()) {
      // Appeared between the two calls: take it as it is now.
      const std::string owned_name(name);
      out.push_back(named_interface(owned_name, if_nametoindex(owned_name.c_str())));
      found = std::prev(out.end());
    }
    found->up = found->up || (entry->ifa_flags & IFF_UP) != 0;
    found->loopback = found->loopback || (entry->ifa_flags & IFF_LOOPBACK) != 0;
    if (auto address = address_of(entry->ifa_addr, found->index))
      found->addresses.push_back(*address);
  }
  return {};
}

bool host_supports_ipv6() noexcept {
  const int probe = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (probe < 0) return false;
  ::close(probe);
  return true;
}

}  // namespace imchat::net
