#pragma once
// What the wire fuzzer does with one input, written once: the libFuzzer target
// (frame_decoder_fuzzer.cpp) runs it on generated inputs, and the unit test
// fuzz_corpus_replay_test.cpp on every file of the checked-in corpus (corpus/).
//
// An input is laid out as:
//
//   greeting      8 bytes   checked with parse_greeting against every role
//   k             1 byte    how many chunk sizes follow
//   chunk sizes   k bytes   used in turn, over and over; 0 means "all the rest at once"
//   stream        the rest  frames, fed to one frame_decoder in chunks of those sizes
//
// (Shorter inputs stop where they end.) Every complete frame body is decoded with the
// typed decoder of its frame type. Both the greeting and the stream are checked against
// an oracle written from docs/wire-protocol.md rather than from the codec; a broken
// invariant throws invariant_violation, which the fuzzer turns into a crash and the
// replay test into a failure.

#include "wire/control_frames.hpp"
#include "wire/directory_frames.hpp"
#include "wire/error.hpp"
#include "wire/frame.hpp"
#include "wire/frame_decoder.hpp"
#include "wire/greeting.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>

namespace imchat::fuzz {

struct invariant_violation : std::logic_error {
  using std::logic_error::logic_error;
};

// What one input reached, so the replay test can tell whether the corpus covers the
// protocol (every frame type, every error) and not only that it does not crash.
struct fuzz_outcome {
  bool has_greeting = false;
  std::error_code greeting_result;  // against the role the greeting names, if it is a role
  std::size_t frames = 0;
  std::array<std::size_t, 256> typed_ok{};  // well-formed bodies, by frame type
  std::array<std::size_t, 256> typed_refused{};
  std::array<bool, 16> body_errors{};     // by wire::error value, for values below 16
  std::error_code stream_error;           // the decoder's protocol error, if it failed
  bool ended_mid_frame = false;           // the stream ran out inside a frame
};

namespace detail {

inline void expect(bool holds, const std::string& what) {
  if (!holds) throw invariant_violation(what);
}

inline std::string label(const std::error_code& ec) {
  return ec ? ec.category().name() + std::string(":") + std::to_string(ec.value()) : "success";
}

// §3, written out: the fuzzer checks the decoder against the spec, not against itself.
inline bool is_spec_frame_type(std::uint8_t type) {
  constexpr std::uint8_t types[] = {0x01, 0x02, 0x10, 0x11, 0x12, 0x13, 0x18,
                                    0x19, 0x1A, 0x1B, 0x20, 0x21, 0x22, 0x23};
  return std::find(std::begin(types), std::end(types), type) != std::end(types);
}

inline std::uint32_t read_u32_be(std::span<const std::byte> at) {
  return (std::to_integer<std::uint32_t>(at[0]) << 24) | (std::to_integer<std::uint32_t>(at[1]) << 16) |
         (std::to_integer<std::uint32_t>(at[2]) << 8) | std::to_integer<std::uint32_t>(at[3]);
}

// §1: magic, then version, then role; the first failure is the error.
inline void check_greeting(std::span<const std::byte, wire::greeting_size> bytes, fuzz_outcome& outcome) {
  const bool magic_ok = std::equal(wire::greeting_magic.begin(), wire::greeting_magic.end(), bytes.begin());
  const auto version = std::to_integer<std::uint8_t>(bytes[6]);
  const auto sender = std::to_integer<std::uint8_t>(bytes[7]);
  outcome.has_greeting = true;
  outcome.greeting_result = wire::error::bad_role;  // unless it names a role, below

  for (std::uint8_t expected = 1; expected <= 4; ++expected) {
    wire::greeting parsed{.version = 0, .sender = wire::role::directory_client};
    const auto result = wire::parse_greeting(bytes, static_cast<wire::role>(expected), parsed);
    const std::string where = "greeting expecting role " + std::to_string(expected) + ": ";
    if (!magic_ok) {
      expect(result == wire::error::bad_magic, where + "want bad_magic, got " + label(result));
    } else if (version != wire::protocol_version) {
      expect(result == wire::error::unsupported_version,
             where + "want unsupported_version, got " + label(result));
      expect(parsed.version == version, where + "the peer's version is not reported");
    } else if (sender != expected) {
      expect(result == wire::error::bad_role, where + "want bad_role, got " + label(result));
    } else {
      expect(!result, where + "want success, got " + label(result));
      expect(parsed.version == wire::protocol_version && parsed.sender == static_cast<wire::role>(expected),
             where + "accepted, but reports another version or role");
    }
    if (sender == expected || !magic_ok || version != wire::protocol_version) outcome.greeting_result = result;
  }
}

// An accepted body holds only the enumeration values of §3; the re-encoding check below
// cannot see an out-of-range value that was accepted, since it encodes back the same.
inline bool spec_kind(wire::object_kind kind) {
  return kind == wire::object_kind::exchange || kind == wire::object_kind::queue;
}
inline bool spec_values(const wire::register_request& r) { return spec_kind(r.kind); }
inline bool spec_values(const wire::record_reply& r) { return spec_kind(r.record.kind); }
inline bool spec_values(const wire::records_reply& r) {
  return std::all_of(r.records.begin(), r.records.end(), [](const wire::record& each) { return spec_kind(each.kind); });
}
inline bool spec_values(const wire::attach_request& r) {
  return r.direction == wire::attach_direction::publish || r.direction == wire::attach_direction::subscribe;
}
template <class Frame>
bool spec_values(const Frame&) {
  return true;  // no enumeration fields
}

// Decodes `body` as a `Frame`. A refusal must be one of the body errors of §2; a body that
// is accepted must encode back to exactly the bytes it came from (`whole_frame`), because
// every field has one encoding.
template <class Frame>
std::error_code decode_and_reencode(const wire::frame& got, std::span<const std::byte> whole_frame,
                                    bool reencodes = true) {
  Frame value{};
  const auto result = wire::decode(got.body, value);
  expect(!result || result == wire::error::truncated_body || result == wire::error::trailing_bytes ||
             result == wire::error::bad_field_value,
         std::string(wire::frame_type_name(got.type)) + " body refused with " + label(result));
  if (!result)
    expect(spec_values(value), std::string(wire::frame_type_name(got.type)) + " accepted with a bad enumeration value");
  if (!result && reencodes) {
    wire::bytes again;
    wire::encode(again, value);
    expect(std::equal(again.begin(), again.end(), whole_frame.begin(), whole_frame.end()),
           std::string(wire::frame_type_name(got.type)) + " does not encode back to the same bytes");
  }
  return result;
}

inline std::error_code check_body(const wire::frame& got, std::span<const std::byte> whole_frame) {
  using wire::frame_type;
  switch (got.type) {
    case frame_type::error: {
      // An ERROR message is cut to 4096 bytes when encoded, so a longer one cannot come
      // back the same; it must still decode.
      wire::error_frame probe;
      const bool long_message = !wire::decode(got.body, probe) && probe.message.size() > 4096;
      return decode_and_reencode<wire::error_frame>(got, whole_frame, !long_message);
    }
    case frame_type::heartbeat:
      // An empty body: no typed decoder, but the same rule as for every body.
      return got.body.empty() ? std::error_code{} : wire::error::trailing_bytes;
    case frame_type::message: return {};  // bytes payload: anything goes
    case frame_type::register_name: return decode_and_reencode<wire::register_request>(got, whole_frame);
    case frame_type::unregister_name: return decode_and_reencode<wire::unregister_request>(got, whole_frame);
    case frame_type::lookup: return decode_and_reencode<wire::lookup_request>(got, whole_frame);
    case frame_type::list: return decode_and_reencode<wire::list_request>(got, whole_frame);
    case frame_type::ok: return decode_and_reencode<wire::ok_reply>(got, whole_frame);
    case frame_type::fail: return decode_and_reencode<wire::fail_reply>(got, whole_frame);
    case frame_type::record: return decode_and_reencode<wire::record_reply>(got, whole_frame);
    case frame_type::records: return decode_and_reencode<wire::records_reply>(got, whole_frame);
    case frame_type::attach: return decode_and_reencode<wire::attach_request>(got, whole_frame);
    case frame_type::attached: return decode_and_reencode<wire::attached_reply>(got, whole_frame);
    case frame_type::ack: return decode_and_reencode<wire::ack_frame>(got, whole_frame);
  }
  throw invariant_violation("the decoder produced a frame of unknown type " +
                            std::to_string(static_cast<unsigned>(got.type)));
}

// A frame just came out of the decoder after consuming stream[start, end): it must be
// exactly the header and body found there.
inline void check_frame(const wire::frame& got, std::span<const std::byte> stream, std::size_t start,
                        std::size_t end) {
  expect(end - start == wire::frame_header_size + got.body.size(), "frame size differs from bytes consumed");
  const auto header = stream.subspan(start, wire::frame_header_size);
  expect(read_u32_be(header) == got.body.size(), "body size differs from the length field");
  expect(std::to_integer<std::uint8_t>(header[4]) == static_cast<std::uint8_t>(got.type),
         "frame type differs from the type byte");
  expect(is_spec_frame_type(static_cast<std::uint8_t>(got.type)), "frame of a type not in the spec");
  expect(got.body.size() <= wire::default_max_body_size, "frame over the body limit");
  const auto body = stream.subspan(start + wire::frame_header_size, got.body.size());
  expect(std::equal(body.begin(), body.end(), got.body.begin(), got.body.end()), "body differs from the input");
}

// The decoder refused the header at stream[start, start + 5): it must have read exactly
// those 5 bytes and named the spec's reason, then refuse everything after.
inline void check_refusal(wire::frame_decoder& decoder, std::error_code refusal, std::span<const std::byte> stream,
                          std::size_t start, std::size_t end) {
  expect(end - start == wire::frame_header_size, "a header was refused after " +
                                                     std::to_string(end - start) + " bytes, not 5");
  const auto header = stream.subspan(start, wire::frame_header_size);
  const bool known = is_spec_frame_type(std::to_integer<std::uint8_t>(header[4]));
  const bool too_large = read_u32_be(header) > decoder.limits().max_body_size;
  // §2 detects both from the header; when both apply, either may be named.
  expect((refusal == wire::error::unknown_frame_type && !known) ||
             (refusal == wire::error::frame_too_large && too_large),
         "header refused with " + label(refusal) + " (type known: " + std::to_string(known) +
             ", too large: " + std::to_string(too_large) + ")");
  expect(!decoder.idle(), "a failed decoder claims to be idle");

  // Sticky: nothing more is consumed, and the same error comes back every time.
  std::error_code again;
  expect(decoder.put(stream.subspan(end), again) == 0 && again == refusal, "failure is not sticky");
  again.clear();
  expect(decoder.put({}, again) == 0 && again == refusal, "failure is not sticky on an empty put");
}

inline void run_stream(std::span<const std::byte> chunk_sizes, std::span<const std::byte> stream,
                       fuzz_outcome& outcome) {
  wire::frame_decoder decoder;
  std::size_t position = 0;     // bytes of `stream` consumed so far
  std::size_t frame_start = 0;  // where the frame being decoded began
  std::size_t next_size = 0;

  while (position < stream.size()) {
    std::size_t size = stream.size() - position;
    if (!chunk_sizes.empty()) {
      const auto drawn = std::to_integer<std::size_t>(chunk_sizes[next_size++ % chunk_sizes.size()]);
      if (drawn != 0) size = std::min(size, drawn);
    }
    auto chunk = stream.subspan(position, size);
    while (!chunk.empty()) {
      std::error_code ec;
      const std::size_t used = decoder.put(chunk, ec);
      expect(used <= chunk.size(), "put() consumed more than it was given");
      position += used;
      chunk = chunk.subspan(used);

      if (ec == wire::error::need_more) {
        expect(chunk.empty(), "need_more with input left over");
        expect(!decoder.idle(), "need_more after consuming input, yet idle");
        break;
      }
      if (ec) {
        outcome.stream_error = ec;
        check_refusal(decoder, ec, stream, frame_start, position);
        return;
      }
      const auto got = decoder.take();
      expect(decoder.idle(), "not idle right after take()");
      check_frame(got, stream, frame_start, position);
      const auto body_result = check_body(got, stream.subspan(frame_start, position - frame_start));
      const auto type = static_cast<std::uint8_t>(got.type);
      ++outcome.frames;
      if (body_result) {
        ++outcome.typed_refused[type];
        const auto value = static_cast<std::size_t>(body_result.value());
        if (value < outcome.body_errors.size()) outcome.body_errors[value] = true;
      } else {
        ++outcome.typed_ok[type];
      }
      frame_start = position;
    }
  }
  outcome.ended_mid_frame = frame_start != position;
  expect(decoder.idle() != outcome.ended_mid_frame, "idle() disagrees with where the stream ended");
}

}  // namespace detail

inline fuzz_outcome fuzz_one_input(std::span<const std::byte> input) {
  fuzz_outcome outcome;
  if (input.size() < wire::greeting_size) return outcome;
  detail::check_greeting(input.first<wire::greeting_size>(), outcome);

  auto rest = input.subspan(wire::greeting_size);
  if (rest.empty()) return outcome;
  const auto chunk_count = std::min(std::to_integer<std::size_t>(rest[0]), rest.size() - 1);
  const auto chunk_sizes = rest.subspan(1, chunk_count);
  detail::run_stream(chunk_sizes, rest.subspan(1 + chunk_count), outcome);
  return outcome;
}

}  // namespace imchat::fuzz
