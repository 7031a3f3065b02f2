// Endpoint text (net/endpoint.hpp), the one parser and formatter of HOST:PORT, and the
// directory address built on it.
#include "directory/directory_address.hpp"
#include "net/endpoint.hpp"

#include "support/error_code_printing.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <net/if.h>

namespace ip = boost::asio::ip;
using imchat::net::format_endpoint;
using imchat::net::host_and_port;
using imchat::net::host_port_text;
using imchat::net::parse_endpoint;
using imchat::net::split_host_port;

namespace {

host_and_port parsed(std::string_view text, std::uint16_t default_port = 0) {
  host_and_port out;
  std::string why;
  REQUIRE_MESSAGE(parse_endpoint(text, out, why, default_port) == std::error_code{}, why);
  return out;
}

}  // namespace

TEST_CASE("endpoints: split tells host - brackets and port apart") {
  host_port_text split;
  std::string why;
  REQUIRE(split_host_port("eth0:5555", split, why) == std::error_code{});
  CHECK(split.host == "eth0");
  CHECK_FALSE(split.bracketed);
  CHECK(split.port == std::optional<std::uint16_t>(5555));
  REQUIRE(split_host_port("[::1]", split, why) == std::error_code{});
  CHECK(split.host == "::1");
  CHECK(split.bracketed);
  CHECK_FALSE(split.port.has_value());
  // Two colons or more without brackets: a bare IPv6 address, no port.
  REQUIRE(split_host_port("fe80::1", split, why) == std::error_code{});
  CHECK(split.host == "fe80::1");
  CHECK_FALSE(split.port.has_value());
  REQUIRE(split_host_port("*:0", split, why) == std::error_code{});
  CHECK(split.port == std::optional<std::uint16_t>(0));
}

TEST_CASE("endpoints: split names what is wrong and leaves its output alone") {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"", "empty host"},
      {":5555", "empty host"},
      {"host:", "missing port after ':'"},
      {"host:x1", "port 'x1' is not a number"},
      {"host:99999x", "port '99999x' is not a number"},
      {"host:65536", "port out of range (0-65535)"},
      {"host:4294967297", "port out of range (0-65535)"},
      {"[::1", "'[' without a closing ']'"},
      {"[::1]x", "unexpected 'x' after ']' (expected ':PORT')"},
      {"::1]:5", "unbalanced brackets (an IPv6 address is written [ADDRESS] or [ADDRESS]:PORT)"},
  };
  for (const auto& [text, reason] : cases) {
    CAPTURE(text);
    host_port_text split{"untouched", true, 7};
    std::string why;
    CHECK(split_host_port(text, split, why) == std::errc::invalid_argument);
    CHECK(why == reason);
    CHECK(split.host == "untouched");
    CHECK(split.port == std::optional<std::uint16_t>(7));
  }
}

TEST_CASE("endpoints: format writes IPv6 in brackets and scope ids by name") {
  CHECK(format_endpoint(ip::make_address("127.0.0.1"), 5555) == "127.0.0.1:5555");
  CHECK(format_endpoint(ip::make_address("192.0.2.2"), 0) == "192.0.2.2:0");
  CHECK(format_endpoint(ip::make_address("::1"), 5555) == "[::1]:5555");
  CHECK(format_endpoint(ip::make_address("fd00::2"), 65535) == "[fd00::2]:65535");
  CHECK(format_endpoint(ip::make_address("::ffff:192.0.2.7"), 80) == "192.0.2.7:80");
  const unsigned lo_index = if_nametoindex("lo");
  REQUIRE(lo_index != 0);
  CHECK(format_endpoint(ip::address_v6(ip::make_address_v6("fe80::1").to_bytes(), lo_index), 80) ==
        "[fe80::1%lo]:80");
  CHECK(format_endpoint(host_and_port{"server.example", 5682}) == "server.example:5682");
  CHECK(format_endpoint(host_and_port{"::1", 5682}) == "[::1]:5682");
}

TEST_CASE("endpoints: parse takes HOST:PORT and [V6]:PORT") {
  CHECK(parsed("127.0.0.1:5555") == host_and_port{"127.0.0.1", 5555});
  CHECK(parsed("[::1]:6000") == host_and_port{"::1", 6000});
  CHECK(parsed("[fe80::1%eth0]:1") == host_and_port{"fe80::1%eth0", 1});
  CHECK(parsed("server.example:65535") == host_and_port{"server.example", 65535});
}

TEST_CASE("endpoints: parse refuses what cannot be connected to") {
  for (const std::string_view bad :
       {"", "127.0.0.1", "127.0.0.1:", ":5555", "127.0.0.1:0", "127.0.0.1:65536", "host:x",
        "::1:5555", "[::1]", "[::1", "[::1]x", "::1]:5555", "[127.0.0.1]:5555", "[]:5555",
        "bad host:5555", "bad\x1b[31mhost:5555"}) {
    CAPTURE(bad);
    host_and_port out{"untouched", 7};
    std::string why;
    CHECK(parse_endpoint(bad, out, why) == std::errc::invalid_argument);
    CHECK_FALSE(why.empty());
    CHECK(out == host_and_port{"untouched", 7});
  }
}

TEST_CASE("endpoints: a default port fills in a missing one - never a zero one") {
  CHECK(parsed("dirhost", 5682) == host_and_port{"dirhost", 5682});
  CHECK(parsed("[::1]", 5682) == host_and_port{"::1", 5682});
  CHECK(parsed("dirhost:3333", 5682) == host_and_port{"dirhost", 3333});
  host_and_port out;
  std::string why;
  CHECK(parse_endpoint("dirhost:0", out, why, 5682) == std::errc::invalid_argument);
  CHECK(why == "port must be 1-65535");
}

TEST_CASE("endpoints: format and parse round trip") {
  const unsigned lo_index = if_nametoindex("lo");
  REQUIRE(lo_index != 0);
  const std::vector<ip::address> addresses = {
      ip::make_address("127.0.0.1"),
      ip::make_address("192.0.2.2"),
      ip::make_address("::1"),
      ip::make_address("fd00::2"),
      ip::make_address("2001:db8::abcd:1"),
      ip::address_v6(ip::make_address_v6("fe80::fc:ff:fe00:1").to_bytes(), lo_index),
  };
  for (const auto& address : addresses) {
    for (const std::uint16_t port : {std::uint16_t{1}, std::uint16_t{5555}, std::uint16_t{65535}}) {
      const auto text = format_endpoint(address, port);
      CAPTURE(text);
      const auto back_text = parsed(text);
      CHECK(back_text.port == port);
      CHECK(format_endpoint(back_text) == text);
      boost::system::error_code error;
      const auto back = ip::make_address(back_text.host, error);
      REQUIRE_FALSE(error);
      CHECK(back == address);
      if (back.is_v6()) CHECK(back.to_v6().scope_id() == address.to_v6().scope_id());
    }
  }
}

TEST_CASE("directory address: the tutorial's port by default - the text named in errors") {
  host_and_port out;
  std::string why;
  REQUIRE(imchat::directory::parse_directory_address("localhost", out, why) == std::error_code{});
  CHECK(out == host_and_port{"localhost", imchat::directory::default_port});
  CHECK(imchat::directory::default_port == 5682);
  CHECK(imchat::directory::parse_directory_address("localhost:x", out, why) == std::errc::invalid_argument);
  CHECK(why == "directory address 'localhost:x': port 'x' is not a number");
}
