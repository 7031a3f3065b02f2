#pragma once
// Frames outside the directory: ERROR (the last word before a close) and the kernel's
// stream control: ATTACH, by which a peer asks a global object for a publish or subscribe
// stream, ATTACHED, where that stream starts, and ACK, how far a queue has accepted a
// publisher's messages. MESSAGE frames carry no number of their own: each stream counts
// them from the sequence number ATTACHED gave (docs/wire-protocol.md §3).

#include "wire/frame.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <system_error>

namespace imchat::wire {

struct error_frame {
  std::uint16_t code = 0;
  std::string message;
  bool operator==(const error_frame&) const = default;
};

enum class attach_direction : std::uint8_t {
  publish = 1,    // the peer sends MESSAGE frames into the named queue
  subscribe = 2,  // the peer receives the named exchange's MESSAGE frames
};

// What `stream` and `sequence` mean depends on the direction:
// - publish: `stream` is the publisher's identity (random, per binding), `sequence` the
//   number of the first message it still holds (the oldest not acknowledged);
// - subscribe: `stream` is the exchange incarnation the peer last saw (0: none),
//   `sequence` the next message number it wants from it (0: none yet), and `history`
//   how many of the latest messages it wants on a first attach.
// `secret` (publish only) proves the publisher owns `stream`.
// A publisher's ATTACH `sequence` must be below this (else bad_field_value): its messages
// are numbered on from there, and a u64 must hold every number, and the next.
inline constexpr std::uint64_t max_publisher_sequence = std::uint64_t{1} << 63;

// A publisher's proof that a stream is its own: 128 random bits that it sends with every
// ATTACH of the stream and that no one else learns (inside TLS when the room has a key).
// The queue records it with the stream's first ATTACH; resuming the stream takes the same
// secret. Subscribers send zeros.
struct stream_secret {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  bool operator==(const stream_secret&) const = default;
  bool empty() const noexcept { return (high | low) == 0; }
  // Compares in time independent of where the two differ.
  bool proves(const stream_secret& recorded) const noexcept {
    return ((high ^ recorded.high) | (low ^ recorded.low)) == 0;
  }
};

struct attach_request {
  attach_direction direction = attach_direction::publish;
  std::string object;
  std::uint64_t stream = 0;
  std::uint64_t sequence = 0;
  std::uint32_t history = 0;
  stream_secret secret{};
  // Subscribing: the messages published at this time or later, in milliseconds since
  // 1970 (UTC); 0: none. Sent only when not 0, so an ATTACH without it is as before.
  std::uint64_t since = 0;
  bool operator==(const attach_request&) const = default;
};

// The object's answer to ATTACH. `stream` is the object's incarnation (random, per
// process run of the object). `sequence`: for a publisher, the number the queue expects
// next (everything before it was accepted, so the publisher resends from there); for a
// subscriber, the number of the first MESSAGE that follows.
struct attached_reply {
  std::uint64_t stream = 0;
  std::uint64_t sequence = 0;
  bool operator==(const attached_reply&) const = default;
};

// A queue's cumulative acknowledgement to its publisher: every message numbered below
// `next` has been accepted.
struct ack_frame {
  std::uint64_t next = 0;
  bool operator==(const ack_frame&) const = default;
};

void encode(bytes& out, const error_frame& f);
void encode(bytes& out, const attach_request& f);
void encode(bytes& out, const attached_reply& f);
void encode(bytes& out, const ack_frame& f);
std::error_code decode(std::span<const std::byte> body, error_frame& f);
std::error_code decode(std::span<const std::byte> body, attach_request& f);
std::error_code decode(std::span<const std::byte> body, attached_reply& f);
std::error_code decode(std::span<const std::byte> body, ack_frame& f);

// An ERROR frame for `code`, with `detail` as its message (or the code's own message).
error_frame make_error_frame(std::error_code code, std::string_view detail = {});

// "unsupported_version: peer speaks 2" — how a received ERROR is reported.
std::string describe(const error_frame& f);

}  // namespace imchat::wire
