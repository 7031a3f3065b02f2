#pragma once
// Protocol errors: every way a peer's bytes or requests can be refused, each with a name
// and a message, plugged into std::error_code. The numeric values are the codes that
// ERROR and FAIL frames carry on the wire (docs/wire-protocol.md §4).

#include <cstdint>
#include <string_view>
#include <system_error>

namespace imchat::wire {

enum class error : std::uint16_t {
  bad_magic = 1,             // greeting does not start with "IMCHAT"
  unsupported_version = 2,   // greeting's version is not spoken here
  bad_role = 3,              // greeting's role is unknown or not accepted here
  frame_too_large = 4,       // a frame's length exceeds the maximum body size
  unknown_frame_type = 5,    // a frame's type is not defined by the protocol
  truncated_body = 6,        // a field runs past the end of the body
  trailing_bytes = 7,        // bytes left in a body after its last field
  bad_field_value = 8,       // an enumeration field holds an unknown value
  unexpected_frame = 9,      // a known frame that is not allowed at this point
  handshake_timeout = 10,    // no greeting within the handshake timeout
  connection_closed = 11,    // the peer closed the connection mid-frame
  internal_error = 12,       // the peer failed for a reason outside the protocol
  peer_timeout = 13,         // nothing arrived from the peer within its timeout
  name_in_use = 100,         // the name is held by another live registrant
  not_found = 101,           // no such name or object
  invalid_name = 102,        // empty, too long, not UTF-8, or has control characters
  limit_exceeded = 103,      // a per-connection or global limit was reached
  not_stream_owner = 104,    // ATTACH resumed a publisher's stream without its secret
  key_required = 105,        // a side with a key (TLS) was greeted in plaintext
  need_more = 1000,          // decoder only: the input ended inside a frame (never sent)
};

const std::error_category& wire_category() noexcept;

std::error_code make_error_code(error e) noexcept;

// The short name of a code ("frame_too_large"), or "" when the number is unknown.
std::string_view error_name(std::uint16_t code) noexcept;

// Turns a code received in an ERROR or FAIL frame into an error_code of this category;
// unknown numbers keep their value and are described as unknown.
std::error_code error_from_wire(std::uint16_t code) noexcept;

}  // namespace imchat::wire

template <>
struct std::is_error_code_enum<imchat::wire::error> : std::true_type {};
