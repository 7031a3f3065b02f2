#include "support/interfaces_seen.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

namespace imchat::test {

namespace ip = boost::asio::ip;

std::vector<seen_interface> interfaces_seen() {
  ifaddrs* raw = nullptr;
  if (getifaddrs(&raw) != 0) throw std::runtime_error("getifaddrs failed");
  const std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> list(raw, &freeifaddrs);

  std::vector<seen_interface> found;
  for (const auto* entry = raw; entry != nullptr; entry = entry->ifa_next) {
    const std::string name(entry->ifa_name, std::strcspn(entry->ifa_name, ":"));
    auto it = std::find_if(found.begin(), found.end(),
                           [&](const seen_interface& each) { return each.name == name; });
    if (it == found.end()) it = found.insert(found.end(), seen_interface{name, false, false, {}});
    it->up = it->up || (entry->ifa_flags & IFF_UP) != 0;
    it->loopback = it->loopback || (entry->ifa_flags & IFF_LOOPBACK) != 0;
    if (entry->ifa_addr == nullptr) continue;
    if (entry->ifa_addr->sa_family == AF_INET) {
      sockaddr_in v4;
      std::memcpy(&v4, entry->ifa_addr, sizeof v4);
      ip::address_v4::bytes_type bytes;
      std::memcpy(bytes.data(), &v4.sin_addr, bytes.size());
      it->addresses.push_back(ip::address_v4(bytes));
    } else if (entry->ifa_addr->sa_family == AF_INET6) {
      sockaddr_in6 v6;
      std::memcpy(&v6, entry->ifa_addr, sizeof v6);
      ip::address_v6::bytes_type bytes;
      std::memcpy(bytes.data(), &v6.sin6_addr, bytes.size());
      it->addresses.push_back(ip::address_v6(bytes));
    }
  }
  return found;
}

ip::address without_scope(const ip::address& address) {
  if (address.is_v4()) return address;
  return ip::address_v6(address.to_v6().to_bytes());
}

bool host_has_address(const std::vector<seen_interface>& interfaces, const ip::address& address) {
  const auto wanted = without_scope(address);
  return std::any_of(interfaces.begin(), interfaces.end(), [&](const seen_interface& each) {
    return std::find(each.addresses.begin(), each.addresses.end(), wanted) != each.addresses.end();
  });
}

}  // namespace imchat::test
