#pragma once
// The 8-byte greeting each side sends first: magic "IMCHAT", version, role.
// Layout and checks: docs/wire-protocol.md §1.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <system_error>

namespace imchat::wire {

inline constexpr std::uint8_t protocol_version = 2;
inline constexpr std::size_t greeting_size = 8;
inline constexpr std::array<std::byte, 6> greeting_magic{
    std::byte{'I'}, std::byte{'M'}, std::byte{'C'}, std::byte{'H'}, std::byte{'A'}, std::byte{'T'}};

enum class role : std::uint8_t {
  directory_client = 1,
  directory_server = 2,
  kernel_peer = 3,
  kernel_object = 4,
};

std::string_view role_name(role r) noexcept;

struct greeting {
  std::uint8_t version = protocol_version;
  role sender = role::directory_client;
};

std::array<std::byte, greeting_size> encode_greeting(role sender) noexcept;

// Checks magic, version and role (in that order) and fills `out`. A version mismatch
// still fills `out.version` so the caller can name it. `expected` is the role this side
// accepts from its peer.
std::error_code parse_greeting(std::span<const std::byte, greeting_size> bytes, role expected,
                               greeting& out) noexcept;

}  // namespace imchat::wire
