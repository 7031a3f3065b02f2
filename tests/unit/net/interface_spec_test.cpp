#include "net/interface_spec.hpp"

#include "support/error_code_printing.hpp"
#include "support/interfaces_seen.hpp"
#include "support/skip.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <net/if.h>

namespace ip = boost::asio::ip;
using imchat::net::interface_spec;
using imchat::net::parse_interface_spec;
using imchat::net::resolve_interface_spec;
using imchat::net::resolved_interface;
using imchat::test::host_has_address;
using imchat::test::interfaces_seen;
using imchat::test::report_skip;
using imchat::test::seen_interface;
using imchat::test::without_scope;
using host_kind = interface_spec::host_kind;

namespace {

// An up, non-loopback interface with an IPv4 address, such as eth0, if the host has one.
const seen_interface* outward_interface(const std::vector<seen_interface>& interfaces) {
  for (const auto& each : interfaces)
    if (each.up && !each.loopback &&
        std::any_of(each.addresses.begin(), each.addresses.end(),
                    [](const ip::address& a) { return a.is_v4(); }))
      return &each;
  return nullptr;
}

interface_spec parsed(std::string_view text) {
  interface_spec spec;
  std::string why;
  CAPTURE(text);
  REQUIRE_MESSAGE(parse_interface_spec(text, spec, why) == std::error_code{}, why);
  CHECK(why.empty());
  CHECK(spec.text == text);
  return spec;
}

std::string parse_error(std::string_view text) {
  interface_spec spec;
  std::string why;
  CAPTURE(text);
  CHECK(parse_interface_spec(text, spec, why) == std::errc::invalid_argument);
  return why;
}

resolved_interface resolved(std::string_view text) {
  const auto spec = parsed(text);
  resolved_interface out;
  std::string why;
  CAPTURE(text);
  REQUIRE_MESSAGE(resolve_interface_spec(spec, out, why) == std::error_code{}, why);
  return out;
}

std::vector<ip::address> bind_addresses(const resolved_interface& r) {
  std::vector<ip::address> addresses;
  for (const auto& endpoint : r.bind_endpoints) addresses.push_back(endpoint.address());
  return addresses;
}

bool all_ports_are(const resolved_interface& r, std::uint16_t port) {
  return std::all_of(r.bind_endpoints.begin(), r.bind_endpoints.end(),
                     [&](const auto& endpoint) { return endpoint.port() == port; });
}

}  // namespace

TEST_CASE("interface spec: parses every form of the tutorial") {
  const auto interfaces = interfaces_seen();
  const auto exists = [&](std::string_view name) {
    return std::any_of(interfaces.begin(), interfaces.end(),
                       [&](const seen_interface& each) { return each.name == name; });
  };

  SUBCASE("interface name and port") {
    const auto spec = parsed("eth0:5555");
    CHECK(spec.host == "eth0");
    CHECK(spec.port == 5555);
    // Whether eth0 is an interface or a host name depends on this host.
    CHECK(spec.kind == (exists("eth0") ? host_kind::interface : host_kind::hostname));
  }
  SUBCASE("interface name alone: the OS picks the port") {
    const auto spec = parsed("eth0");
    CHECK(spec.host == "eth0");
    CHECK(spec.port == 0);
  }
  SUBCASE("every interface of this host is recognised as one") {
    for (const auto& each : interfaces) {
      const auto spec = parsed(each.name + ":7000");
      CHECK(spec.kind == host_kind::interface);
      CHECK(spec.host == each.name);
      CHECK(spec.port == 7000);
    }
  }
  SUBCASE("loopback interface") {
    const auto spec = parsed("lo:5555");
    CHECK(spec.kind == host_kind::interface);
    CHECK(spec.host == "lo");
  }
  SUBCASE("wildcard with and without port") {
    auto spec = parsed("*:5555");
    CHECK(spec.kind == host_kind::any);
    CHECK(spec.host.empty());
    CHECK(spec.port == 5555);
    spec = parsed("*");
    CHECK(spec.kind == host_kind::any);
    CHECK(spec.port == 0);
  }
  SUBCASE("IPv4 literal") {
    const auto spec = parsed("127.0.0.1:5555");
    CHECK(spec.kind == host_kind::address);
    CHECK(spec.host == "127.0.0.1");
    CHECK(spec.port == 5555);
  }
  SUBCASE("IPv6 literal in brackets, with and without port") {
    auto spec = parsed("[::1]:5555");
    CHECK(spec.kind == host_kind::address);
    CHECK(spec.host == "::1");
    CHECK(spec.port == 5555);
    spec = parsed("[::1]");
    CHECK(spec.kind == host_kind::address);
    CHECK(spec.host == "::1");
    CHECK(spec.port == 0);
  }
  SUBCASE("IPv6 literal with a scope id") {
    const auto spec = parsed("[fe80::1%lo]:5555");
    CHECK(spec.kind == host_kind::address);
    CHECK(spec.host == "fe80::1%lo");
  }
  SUBCASE("bare IPv6 literal: no port") {
    const auto spec = parsed("::1");
    CHECK(spec.kind == host_kind::address);
    CHECK(spec.host == "::1");
    CHECK(spec.port == 0);
  }
  SUBCASE("host name") {
    REQUIRE_FALSE(exists("localhost"));
    const auto spec = parsed("localhost:5555");
    CHECK(spec.kind == host_kind::hostname);
    CHECK(spec.host == "localhost");
    CHECK(spec.port == 5555);
    CHECK(parsed("example.org").kind == host_kind::hostname);
  }
  SUBCASE("port boundaries") {
    CHECK(parsed("*:0").port == 0);
    CHECK(parsed("*:65535").port == 65535);
    CHECK(parsed("*:00080").port == 80);
  }
}

TEST_CASE("interface spec: bad specs are refused with a reason naming the spec") {
  CHECK(parse_error("").starts_with("interface spec '': empty"));
  CHECK(parse_error(":5555") == "interface spec ':5555': empty host");
  CHECK(parse_error("[]:5555") == "interface spec '[]:5555': empty host");
  CHECK(parse_error("eth0:") == "interface spec 'eth0:': missing port after ':'");
  CHECK(parse_error("*:") == "interface spec '*:': missing port after ':'");
  CHECK(parse_error("[::1]:") == "interface spec '[::1]:': missing port after ':'");
  CHECK(parse_error("eth0:x") == "interface spec 'eth0:x': port 'x' is not a number");
  CHECK(parse_error("eth0:-1") == "interface spec 'eth0:-1': port '-1' is not a number");
  CHECK(parse_error("eth0:+80") == "interface spec 'eth0:+80': port '+80' is not a number");
  CHECK(parse_error("eth0:99999x") ==
        "interface spec 'eth0:99999x': port '99999x' is not a number");
  CHECK(parse_error("eth0:65536") == "interface spec 'eth0:65536': port out of range (0-65535)");
  CHECK(parse_error("eth0:99999") == "interface spec 'eth0:99999': port out of range (0-65535)");
  CHECK(parse_error("eth0:99999999999999999999") ==
        "interface spec 'eth0:99999999999999999999': port out of range (0-65535)");
  CHECK(parse_error("[::1") == "interface spec '[::1': '[' without a closing ']'");
  CHECK(parse_error("[::1]x") ==
        "interface spec '[::1]x': unexpected 'x' after ']' (expected ':PORT')");
  CHECK(parse_error("::1]:5555").starts_with("interface spec '::1]:5555': unbalanced brackets"));
  CHECK(parse_error("[127.0.0.1]:5555") ==
        "interface spec '[127.0.0.1]:5555': '127.0.0.1' is in brackets but is not an IPv6 address");
  CHECK(parse_error("my host:5555") ==
        "interface spec 'my host:5555': the host contains a space or control character");
}

TEST_CASE("interface spec: a failed parse or resolution leaves the output as it was") {
  interface_spec spec;
  std::string why;
  REQUIRE(parse_interface_spec("127.0.0.1:5555", spec, why) == std::error_code{});
  for (const std::string_view bad : {"eth0:x", "[127.0.0.1]:6000"}) {
    CAPTURE(bad);
    CHECK(parse_interface_spec(bad, spec, why) == std::errc::invalid_argument);
    CHECK(spec.kind == host_kind::address);
    CHECK(spec.host == "127.0.0.1");
    CHECK(spec.port == 5555);
    CHECK(spec.text == "127.0.0.1:5555");
  }

  resolved_interface r;
  REQUIRE(resolve_interface_spec(spec, r, why) == std::error_code{});
  CHECK(why.empty());
  interface_spec elsewhere = parsed("203.0.113.77:6000");
  REQUIRE(resolve_interface_spec(elsewhere, r, why) == std::errc::address_not_available);
  CHECK_FALSE(why.empty());
  CHECK(r.bind_endpoints == std::vector{ip::tcp::endpoint(ip::make_address("127.0.0.1"), 5555)});

  // And a later success does not keep the earlier explanation.
  REQUIRE(parse_interface_spec("*", spec, why) == std::error_code{});
  CHECK(why.empty());
}

TEST_CASE("interface spec: lo resolves to its own addresses - 127.0.0.1 first") {
  const auto interfaces = interfaces_seen();
  const auto lo = std::find_if(interfaces.begin(), interfaces.end(),
                               [](const seen_interface& each) { return each.name == "lo"; });
  REQUIRE(lo != interfaces.end());

  for (const std::string_view text : {"lo", "lo:5555"}) {
    CAPTURE(text);
    const auto r = resolved(text);
    REQUIRE_FALSE(r.advertised_addresses.empty());
    CHECK(r.advertised_addresses.front() == ip::make_address("127.0.0.1"));
    CHECK(r.advertised_addresses.size() == lo->addresses.size());
    for (const auto& address : r.advertised_addresses) {
      CHECK(address.is_loopback());
      CHECK(host_has_address({*lo}, address));
    }
    // Listening on lo means listening on exactly those addresses, nowhere else.
    CHECK(bind_addresses(r) == r.advertised_addresses);
    CHECK(all_ports_are(r, text == "lo" ? 0 : 5555));
  }
}

TEST_CASE("interface spec: an ethernet-like interface resolves to its addresses - IPv4 first") {
  const auto interfaces = interfaces_seen();
  const auto* outward = outward_interface(interfaces);
  if (outward == nullptr) return report_skip("this host has no up, non-loopback interface with IPv4");
  CAPTURE(outward->name);
  const auto r = resolved(outward->name + ":6000");
  REQUIRE(r.advertised_addresses.size() == outward->addresses.size());
  CHECK(r.advertised_addresses.front().is_v4());
  bool seen_v6 = false;
  for (const auto& address : r.advertised_addresses) {
    CHECK(host_has_address({*outward}, address));
    if (address.is_v6()) seen_v6 = true;
    CHECK_FALSE((seen_v6 && address.is_v4()));  // every IPv4 address before any IPv6 one
    if (address.is_v6() && address.to_v6().is_link_local())
      CHECK(address.to_v6().scope_id() == if_nametoindex(outward->name.c_str()));
  }
  CHECK(bind_addresses(r) == r.advertised_addresses);
  CHECK(all_ports_are(r, 6000));
}

TEST_CASE("interface spec: '*' binds the wildcard and advertises the host's real addresses") {
  const auto interfaces = interfaces_seen();
  for (const std::string_view text : {"*", "*:5555"}) {
    CAPTURE(text);
    const auto r = resolved(text);
    REQUIRE(r.bind_endpoints.size() == 1);
    CHECK(r.bind_endpoints.front().address().is_unspecified());
    CHECK(all_ports_are(r, text == "*" ? 0 : 5555));

    REQUIRE_FALSE(r.advertised_addresses.empty());
    for (const auto& address : r.advertised_addresses) {
      CAPTURE(address.to_string());
      CHECK_FALSE(address.is_unspecified());
      CHECK(host_has_address(interfaces, address));
    }
    // With an outward interface, loopback is not advertised and every outward address is.
    if (const auto* outward = outward_interface(interfaces)) {
      for (const auto& address : r.advertised_addresses) CHECK_FALSE(address.is_loopback());
      for (const auto& address : outward->addresses) {
        CAPTURE(address.to_string());
        CHECK(std::any_of(r.advertised_addresses.begin(), r.advertised_addresses.end(),
                          [&](const ip::address& a) { return without_scope(a) == address; }));
      }
    }
  }
}

TEST_CASE("interface spec: an explicit 0.0.0.0 binds it but advertises real IPv4 addresses") {
  const auto r = resolved("0.0.0.0:5555");
  REQUIRE(r.bind_endpoints.size() == 1);
  CHECK(r.bind_endpoints.front() == ip::tcp::endpoint(ip::address_v4::any(), 5555));
  REQUIRE_FALSE(r.advertised_addresses.empty());
  for (const auto& address : r.advertised_addresses) {
    CHECK(address.is_v4());
    CHECK_FALSE(address.is_unspecified());
  }
}

TEST_CASE("interface spec: literal addresses bind and advertise themselves") {
  SUBCASE("127.0.0.1 with an OS-chosen port") {
    const auto r = resolved("127.0.0.1:0");
    REQUIRE(r.bind_endpoints.size() == 1);
    CHECK(r.bind_endpoints.front() == ip::tcp::endpoint(ip::make_address("127.0.0.1"), 0));
    CHECK(r.advertised_addresses == std::vector<ip::address>{ip::make_address("127.0.0.1")});
  }
  SUBCASE("::1") {
    const auto interfaces = interfaces_seen();
    const interface_spec spec = parsed("[::1]:5555");
    resolved_interface r;
    std::string why;
    const auto error = resolve_interface_spec(spec, r, why);
    if (!host_has_address(interfaces, ip::make_address("::1"))) {
      // A host without IPv6 on lo cannot listen there, and must say so up front.
      CHECK(error == std::errc::address_not_available);
      CHECK(why == "interface spec '[::1]:5555': ::1 is not an address of this host");
      return;
    }
    REQUIRE_MESSAGE(error == std::error_code{}, why);
    REQUIRE(r.bind_endpoints.size() == 1);
    CHECK(r.bind_endpoints.front() == ip::tcp::endpoint(ip::make_address("::1"), 5555));
    CHECK(r.advertised_addresses == std::vector<ip::address>{ip::make_address("::1")});
  }
  SUBCASE("an address this host does not have is refused") {
    REQUIRE_FALSE(host_has_address(interfaces_seen(), ip::make_address("203.0.113.77")));
    const interface_spec spec = parsed("203.0.113.77:5555");
    resolved_interface r;
    std::string why;
    CHECK(resolve_interface_spec(spec, r, why) == std::errc::address_not_available);
    CHECK(why == "interface spec '203.0.113.77:5555': 203.0.113.77 is not an address of this host");
  }
}

TEST_CASE("interface spec: a link-local literal without scope id takes its interface's") {
  const auto interfaces = interfaces_seen();
  for (const auto& each : interfaces) {
    for (const auto& address : each.addresses) {
      if (!address.is_v6() || !address.to_v6().is_link_local()) continue;
      CAPTURE(address.to_string());
      const auto r = resolved("[" + address.to_string() + "]:5555");
      REQUIRE(r.advertised_addresses.size() == 1);
      CHECK(r.advertised_addresses.front().to_v6().scope_id() ==
            if_nametoindex(each.name.c_str()));
      return;
    }
  }
  report_skip("this host has no IPv6 link-local address");
}

TEST_CASE("interface spec: localhost resolves to loopback addresses") {
  const auto r = resolved("localhost:5555");
  REQUIRE_FALSE(r.bind_endpoints.empty());
  CHECK(all_ports_are(r, 5555));
  for (const auto& address : r.advertised_addresses) CHECK(address.is_loopback());
  CHECK(bind_addresses(r) == r.advertised_addresses);
}

TEST_CASE("interface spec: an unknown interface is named - with the ones that exist") {
  const auto interfaces = interfaces_seen();
  const std::string missing = "imchatnoif0";
  REQUIRE(std::none_of(interfaces.begin(), interfaces.end(),
                       [&](const seen_interface& each) { return each.name == missing; }));

  const interface_spec spec = parsed(missing + ":5555");
  CHECK(spec.kind == host_kind::hostname);
  resolved_interface r;
  std::string why;
  CHECK(resolve_interface_spec(spec, r, why) == std::errc::no_such_device);
  CHECK(why.starts_with("interface spec 'imchatnoif0:5555': no such network interface "
                        "'imchatnoif0' (this host has: "));
  for (const auto& each : interfaces) {
    CAPTURE(each.name);
    CHECK(why.find(each.name) != std::string::npos);
  }
  CHECK(r.bind_endpoints.empty());
  CHECK(r.advertised_addresses.empty());
}

TEST_CASE("interface spec: an interface that vanished after parsing is reported as unknown") {
  interface_spec spec;
  spec.kind = host_kind::interface;
  spec.host = "imchatgone0";
  spec.port = 5555;
  spec.text = "imchatgone0:5555";
  resolved_interface r;
  std::string why;
  CHECK(resolve_interface_spec(spec, r, why) == std::errc::no_such_device);
  CHECK(why.starts_with("interface spec 'imchatgone0:5555': no such network interface "
                        "'imchatgone0' (this host has: "));
}

TEST_CASE("interface spec: an interface without an IP address is refused") {
  for (const auto& each : interfaces_seen()) {
    if (!each.addresses.empty()) continue;
    CAPTURE(each.name);
    const interface_spec spec = parsed(each.name);
    resolved_interface r;
    std::string why;
    CHECK(resolve_interface_spec(spec, r, why) == std::errc::address_not_available);
    CHECK(why == "interface spec '" + each.name + "': network interface '" + each.name +
                     "' has no IP address");
    return;
  }
  report_skip("every interface of this host has an address: none to try without one");
}

TEST_CASE("interface spec: a host name that does not resolve is reported as such") {
  const interface_spec spec = parsed("no-such-host.invalid:5555");
  resolved_interface r;
  std::string why;
  CHECK(resolve_interface_spec(spec, r, why));
  CHECK(why.starts_with(
      "interface spec 'no-such-host.invalid:5555': no host 'no-such-host.invalid' resolves ("));
  CHECK(r.bind_endpoints.empty());
}
