#pragma once
// What a bench message carries so that the receiving end can check it: the sender, a
// sequence number and the time it was meant to be sent. It is text ("imb 2 1f 5e0c... "
// then 'x' up to the message size) so that a relay may put its timestamp in front and
// the fields are still found, and so that the libzmq relay in bench/zmq reads it too.
// Needs nothing but the standard library: bench/zmq compiles it on its own.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace imchat::bench {

enum class payload_kind : char {
  measured = 'b',  // counted and timed
  probe = 'p',     // sent until every display is bound, then ignored
};

struct payload_fields {
  payload_kind kind = payload_kind::measured;
  std::uint32_t sender = 0;
  std::uint64_t sequence = 0;
  std::int64_t intended_ns = 0;  // steady_clock, in nanoseconds since its epoch
  bool operator==(const payload_fields&) const = default;
};

// The longest encoding of the fields: messages are at least this large.
inline constexpr std::size_t max_payload_header = 48;

// The size of a message with `fields` asked to be `requested` bytes: at least the header.
std::size_t payload_size(std::size_t requested);

// Fills all of `out` (payload_size() bytes at least) with `fields` and padding.
void write_payload(std::span<std::byte> out, const payload_fields& fields);

// The fields of a message, wherever they start in it (a relay may have put a prefix in
// front); nullopt when it carries none.
std::optional<payload_fields> read_payload(std::string_view text);

}  // namespace imchat::bench
