// The 8-byte greeting (src/wire/greeting.hpp, docs/wire-protocol.md §1): its layout, and
// the order of its checks — magic, then version, then role.

#include "wire/greeting.hpp"

#include "support/error_code_printing.hpp"
#include "test_bytes.hpp"
#include "wire/error.hpp"

#include <doctest/doctest.h>

namespace imchat::wire {
namespace {

using test::bytes_of;

constexpr role all_roles[] = {role::directory_client, role::directory_server, role::kernel_peer,
                              role::kernel_object};

// The greeting as the spec lays it out: "IMCHAT", version, role.
bytes spec_greeting(std::uint8_t version, std::uint8_t sender) {
  return bytes_of({'I', 'M', 'C', 'H', 'A', 'T', version, sender});
}

std::error_code parse(const bytes& greeting_bytes, role expected, greeting& out) {
  REQUIRE(greeting_bytes.size() == greeting_size);
  return parse_greeting(std::span<const std::byte, greeting_size>(greeting_bytes.data(), greeting_size),
                        expected, out);
}

TEST_CASE("encode_greeting lays out magic - version 2 and the role number") {
  CHECK(protocol_version == 2);
  for (const auto sender : all_roles) {
    const auto encoded = encode_greeting(sender);
    const auto expected = spec_greeting(2, static_cast<std::uint8_t>(sender));
    CHECK(bytes(encoded.begin(), encoded.end()) == expected);
  }
  CHECK(static_cast<int>(role::directory_client) == 1);
  CHECK(static_cast<int>(role::directory_server) == 2);
  CHECK(static_cast<int>(role::kernel_peer) == 3);
  CHECK(static_cast<int>(role::kernel_object) == 4);
}

TEST_CASE("a good greeting is accepted and reports version and sender") {
  for (const auto sender : all_roles) {
    INFO("role " << role_name(sender));
    greeting out{.version = 0, .sender = role::kernel_object};
    CHECK(parse(spec_greeting(2, static_cast<std::uint8_t>(sender)), sender, out) ==
          std::error_code{});
    CHECK(out.version == 2);
    CHECK(out.sender == sender);
  }
}

TEST_CASE("a greeting whose magic differs anywhere is bad_magic") {
  for (std::size_t i = 0; i < greeting_magic.size(); ++i) {
    INFO("byte " << i);
    auto mangled = spec_greeting(2, 1);
    mangled[i] ^= std::byte{0x20};  // "iMCHAT", "ImCHAT", ...: case matters
    greeting out;
    CHECK(parse(mangled, role::directory_client, out) == error::bad_magic);
  }
  greeting out;
  CHECK(parse(test::text_bytes("GET / HT"), role::directory_client, out) == error::bad_magic);
  CHECK(parse(bytes(8, std::byte{0}), role::directory_client, out) == error::bad_magic);
}

TEST_CASE("bad magic is reported before a bad version or role") {
  greeting out;
  CHECK(parse(bytes_of({'H', 'T', 'T', 'P', '/', '1', 9, 9}), role::kernel_peer, out) ==
        error::bad_magic);
}

TEST_CASE("a wrong version is unsupported_version - and the version is still reported") {
  for (const std::uint8_t version : std::initializer_list<std::uint8_t>{0, 1, 3, 7, 255}) {
    INFO("version " << int{version});
    greeting out;
    CHECK(parse(spec_greeting(version, 1), role::directory_client, out) ==
          error::unsupported_version);
    // The caller needs it to say "peer speaks version N".
    CHECK(out.version == version);
  }
}

TEST_CASE("a wrong version is reported before a wrong role") {
  greeting out;
  CHECK(parse(spec_greeting(3, 200), role::directory_client, out) == error::unsupported_version);
  CHECK(out.version == 3);
}

TEST_CASE("a role other than the expected one is bad_role") {
  for (const auto expected : all_roles) {
    for (unsigned sent = 0; sent <= 0xFF; ++sent) {
      if (sent == static_cast<unsigned>(expected)) continue;
      INFO("expected " << role_name(expected) << ", sent " << sent);
      greeting out;
      CHECK(parse(spec_greeting(2, static_cast<std::uint8_t>(sent)), expected, out) ==
            error::bad_role);
    }
  }
}

TEST_CASE("role names") {
  CHECK(role_name(role::directory_client) == "directory client");
  CHECK(role_name(role::directory_server) == "directory server");
  CHECK(role_name(role::kernel_peer) == "kernel peer");
  CHECK(role_name(role::kernel_object) == "kernel object");
  CHECK(role_name(static_cast<role>(0)) == "unknown role");
  CHECK(role_name(static_cast<role>(99)) == "unknown role");
}

}  // namespace
}  // namespace imchat::wire
