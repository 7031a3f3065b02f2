#include "wire/greeting.hpp"

#include "wire/error.hpp"

#include <algorithm>

namespace imchat::wire {

std::string_view role_name(role r) noexcept {
  switch (r) {
    case role::directory_client: return "directory client";
    case role::directory_server: return "directory server";
    case role::kernel_peer: return "kernel peer";
    case role::kernel_object: return "kernel object";
  }
  return "unknown role";
}

std::array<std::byte, greeting_size> encode_greeting(role sender) noexcept {
  std::array<std::byte, greeting_size> out{};
  std::copy(greeting_magic.begin(), greeting_magic.end(), out.begin());
  out[6] = std::byte{protocol_version};
  out[7] = static_cast<std::byte>(sender);
  return out;
}

std::error_code parse_greeting(std::span<const std::byte, greeting_size> bytes, role expected,
                               greeting& out) noexcept {
  if (!std::equal(greeting_magic.begin(), greeting_magic.end(), bytes.begin()))
    return error::bad_magic;
  out.version = std::to_integer<std::uint8_t>(bytes[6]);
  if (out.version != protocol_version) return error::unsupported_version;
  const auto sender = std::to_integer<std::uint8_t>(bytes[7]);
  if (sender != static_cast<std::uint8_t>(expected)) return error::bad_role;
  out.sender = static_cast<role>(sender);
  return {};
}

}  // namespace imchat::wire
