#include "net/network_interfaces.hpp"

#include "support/error_code_printing.hpp"
#include "support/interfaces_seen.hpp"
#include "support/skip.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include <net/if.h>

using imchat::net::list_network_interfaces;
using imchat::net::network_interface;
using imchat::test::interfaces_seen;
using imchat::test::without_scope;

namespace {

std::vector<network_interface> listed() {
  std::vector<network_interface> interfaces;
  REQUIRE(list_network_interfaces(interfaces) == std::error_code{});
  return interfaces;
}

}  // namespace

TEST_CASE("network interfaces: every interface getifaddrs sees is listed - as it sees it") {
  const auto interfaces = listed();
  for (const auto& seen : interfaces_seen()) {
    CAPTURE(seen.name);
    const auto found =
        std::find_if(interfaces.begin(), interfaces.end(),
                     [&](const network_interface& each) { return each.name == seen.name; });
    REQUIRE(found != interfaces.end());
    CHECK(found->index == if_nametoindex(seen.name.c_str()));
    CHECK(found->up == seen.up);
    CHECK(found->loopback == seen.loopback);
    REQUIRE(found->addresses.size() == seen.addresses.size());
    for (std::size_t i = 0; i < seen.addresses.size(); ++i)
      CHECK(without_scope(found->addresses[i]) == seen.addresses[i]);
  }
}

TEST_CASE("network interfaces: listed in index order - lo among them") {
  const auto interfaces = listed();
  REQUIRE_FALSE(interfaces.empty());
  CHECK(std::is_sorted(interfaces.begin(), interfaces.end(),
                       [](const network_interface& a, const network_interface& b) {
                         return a.index < b.index;
                       }));
  const auto lo = std::find_if(interfaces.begin(), interfaces.end(),
                               [](const network_interface& each) { return each.name == "lo"; });
  REQUIRE(lo != interfaces.end());
  CHECK(lo->up);
  CHECK(lo->loopback);
  CHECK(std::find(lo->addresses.begin(), lo->addresses.end(),
                  boost::asio::ip::make_address("127.0.0.1")) != lo->addresses.end());
}

TEST_CASE("network interfaces: IPv6 link-local addresses carry their interface as scope") {
  std::size_t link_local = 0;
  for (const auto& each : listed()) {
    for (const auto& address : each.addresses) {
      CAPTURE(address.to_string());
      if (address.is_v6() && address.to_v6().is_link_local()) {
        ++link_local;
        CHECK(address.to_v6().scope_id() == each.index);
      } else if (address.is_v6()) {
        CHECK(address.to_v6().scope_id() == 0);
      }
    }
  }
  if (link_local == 0) imchat::test::report_skip("this host has no IPv6 link-local address");
}
