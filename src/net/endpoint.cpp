#include "net/endpoint.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace imchat::net {
namespace {

namespace ip = boost::asio::ip;

constexpr unsigned highest_port = 65535;

std::error_code refuse(std::string& why, std::string reason) {
  why = std::move(reason);
  return std::make_error_code(std::errc::invalid_argument);
}

std::error_code parse_port(std::string_view digits, std::uint16_t& out, std::string& why) {
  if (digits.empty()) return refuse(why, "missing port after ':'");
  unsigned value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return refuse(why, "port '" + std::string(digits) + "' is not a number");
    // Keep going after an overflow only to report a non-digit first: "99999x" is not a
    // number rather than out of range. The value stays capped so it cannot wrap.
    value = std::min(value * 10 + static_cast<unsigned>(c - '0'), highest_port + 1);
  }
  if (value > highest_port) return refuse(why, "port out of range (0-" + std::to_string(highest_port) + ")");
  out = static_cast<std::uint16_t>(value);
  return {};
}

}  // namespace

bool is_ip_literal(std::string_view text) {
  boost::system::error_code not_an_address;
  ip::make_address(std::string(text), not_an_address);
  return !not_an_address;
}

bool is_ipv6_literal(std::string_view text) {
  boost::system::error_code not_an_address;
  ip::make_address_v6(std::string(text), not_an_address);
  return !not_an_address;
}

bool has_space_or_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7F;
  });
}

std::error_code split_host_port(std::string_view text, host_port_text& out, std::string& why) {
  host_port_text split;
  std::string_view port_text;
  bool has_port = false;

  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return refuse(why, "'[' without a closing ']'");
    split.host = text.substr(1, close - 1);
    split.bracketed = true;
    const auto after = text.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return refuse(why, "unexpected '" + std::string(after) + "' after ']' (expected ':PORT')");
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    if (text.find_first_of("[]") != std::string_view::npos)
      return refuse(why, "unbalanced brackets (an IPv6 address is written [ADDRESS] or [ADDRESS]:PORT)");
    if (std::count(text.begin(), text.end(), ':') == 1) {
      const auto colon = text.find(':');
      split.host = text.substr(0, colon);
      has_port = true;
      port_text = text.substr(colon + 1);
    } else {
      split.host = text;
    }
  }

  if (split.host.empty()) return refuse(why, "empty host");
  if (has_port) {
    std::uint16_t port = 0;
    if (const auto error = parse_port(port_text, port, why)) return error;
    split.port = port;
  }
  out = split;
  return {};
}

std::error_code parse_endpoint(std::string_view text, host_and_port& out, std::string& why,
                               std::uint16_t default_port) {
  host_port_text split;
  std::string reason;
  const auto named = [&](std::string what) { return refuse(why, std::move(what)); };
  if (split_host_port(text, split, reason)) return named(reason);
  // An endpoint is something to connect to: it needs a real port, and brackets only ever
  // hold an IPv6 address.
  const std::uint16_t port = split.port.value_or(default_port);
  if (port == 0) return named(split.port ? "port must be 1-65535" : "missing port");
  if (split.bracketed && !is_ipv6_literal(split.host))
    return named(fmt::format("'{}' is in brackets but is not an IPv6 address", split.host));
  if (has_space_or_control(split.host)) return named("the host contains a space or control character");
  out = {std::string(split.host), port};
  return {};
}

std::string format_endpoint(const ip::address& address, std::uint16_t port) {
  // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d: show them as the IPv4
  // addresses they are. address_v6::to_string writes a link-local scope id as %NAME.
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return format_endpoint(ip::make_address_v4(ip::v4_mapped, address.to_v6()), port);
  // fmt rather than std::string's +, about which GCC 12 warns falsely at -O3.
  if (address.is_v6()) return fmt::format("[{}]:{}", address.to_string(), port);
  return fmt::format("{}:{}", address.to_string(), port);
}

std::string format_endpoint(const host_and_port& endpoint) {
  const bool v6 = endpoint.host.find(':') != std::string::npos;
  if (v6) return fmt::format("[{}]:{}", endpoint.host, endpoint.port);
  return fmt::format("{}:{}", endpoint.host, endpoint.port);
}

}  // namespace imchat::net
