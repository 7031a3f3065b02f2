#include "net/host_port.hpp"

#include <algorithm>

namespace imchat::net {
namespace {

constexpr unsigned highest_port = 65535;

std::optional<std::uint16_t> parse_port(std::string_view digits, std::string& why) {
  if (digits.empty()) {
    why = "missing port after ':'";
    return std::nullopt;
  }
  unsigned value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') {
      why = "port '" + std::string(digits) + "' is not a number";
      return std::nullopt;
    }
    // Keep going after an overflow only to report a non-digit first: "99999x" is not a
    // number rather than out of range. The value stays capped so it cannot wrap.
    value = std::min(value * 10 + static_cast<unsigned>(c - '0'), highest_port + 1);
  }
  if (value > highest_port) {
    why = "port out of range (0-" + std::to_string(highest_port) + ")";
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::optional<host_port_text> split_host_port(std::string_view text, std::string& why) {
  host_port_text out;
  std::string_view port_text;
  bool has_port = false;

  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      why = "'[' without a closing ']'";
      return std::nullopt;
    }
    out.host = text.substr(1, close - 1);
    out.bracketed = true;
    const auto after = text.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        why = "unexpected '" + std::string(after) + "' after ']' (expected ':PORT')";
        return std::nullopt;
      }
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    if (text.find_first_of("[]") != std::string_view::npos) {
      why = "unbalanced brackets (an IPv6 address is written [ADDRESS] or [ADDRESS]:PORT)";
      return std::nullopt;
    }
    const auto colons = std::count(text.begin(), text.end(), ':');
    if (colons == 1) {
      const auto colon = text.find(':');
      out.host = text.substr(0, colon);
      has_port = true;
      port_text = text.substr(colon + 1);
    } else {
      out.host = text;
    }
  }

  if (out.host.empty()) {
    why = "empty host";
    return std::nullopt;
  }
  if (has_port) {
    out.port = parse_port(port_text, why);
    if (!out.port) return std::nullopt;
  }
  return out;
}

}  // namespace imchat::net
