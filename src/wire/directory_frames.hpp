#pragma once
// The directory's requests and replies (docs/wire-protocol.md §3, "Directory requests"),
// as structs with an encoder (appends a whole frame) and a decoder (checks a body).

#include "wire/frame.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <system_error>
#include <vector>

namespace imchat::wire {

enum class object_kind : std::uint8_t { exchange = 1, queue = 2 };

std::string_view object_kind_name(object_kind kind) noexcept;

// What the directory holds for one global name.
struct record {
  object_kind kind = object_kind::queue;
  std::string name;
  std::vector<std::string> endpoints;  // "HOST:PORT", IPv6 hosts in brackets
  std::string owner;                   // the registrant, as the directory saw it

  bool operator==(const record&) const = default;
};

struct register_request {
  std::uint32_t request = 0;
  object_kind kind = object_kind::queue;
  std::string name;
  std::vector<std::string> endpoints;
  bool operator==(const register_request&) const = default;
};
struct unregister_request {
  std::uint32_t request = 0;
  std::string name;
  bool operator==(const unregister_request&) const = default;
};
struct lookup_request {
  std::uint32_t request = 0;
  std::string name;
  bool operator==(const lookup_request&) const = default;
};
struct list_request {
  std::uint32_t request = 0;
  std::string prefix;
  bool operator==(const list_request&) const = default;
};
struct ok_reply {
  std::uint32_t request = 0;
  bool operator==(const ok_reply&) const = default;
};
struct fail_reply {
  std::uint32_t request = 0;
  std::uint16_t code = 0;
  std::string message;
  bool operator==(const fail_reply&) const = default;
};
struct record_reply {
  std::uint32_t request = 0;
  wire::record record;
  bool operator==(const record_reply&) const = default;
};
struct records_reply {
  std::uint32_t request = 0;
  bool last = true;
  std::vector<wire::record> records;
  bool operator==(const records_reply&) const = default;
};

void encode(bytes& out, const register_request& r);
void encode(bytes& out, const unregister_request& r);
void encode(bytes& out, const lookup_request& r);
void encode(bytes& out, const list_request& r);
void encode(bytes& out, const ok_reply& r);
void encode(bytes& out, const fail_reply& r);
void encode(bytes& out, const record_reply& r);
void encode(bytes& out, const records_reply& r);

// Each decodes one frame body of the matching type; the caller dispatches on frame.type.
std::error_code decode(std::span<const std::byte> body, register_request& r);
std::error_code decode(std::span<const std::byte> body, unregister_request& r);
std::error_code decode(std::span<const std::byte> body, lookup_request& r);
std::error_code decode(std::span<const std::byte> body, list_request& r);
std::error_code decode(std::span<const std::byte> body, ok_reply& r);
std::error_code decode(std::span<const std::byte> body, fail_reply& r);
std::error_code decode(std::span<const std::byte> body, record_reply& r);
std::error_code decode(std::span<const std::byte> body, records_reply& r);

// The encoded size of a record inside a RECORDS body, for splitting long listings.
std::size_t encoded_size(const record& r) noexcept;

}  // namespace imchat::wire
