// The incremental frame decoder (src/wire/frame_decoder.hpp): any split of the input gives
// the same frames, incomplete input waits, and a bad header is refused from its 5 bytes
// alone, before anything is allocated for the body.

#include "wire/frame_decoder.hpp"

#include "allocation_probe.hpp"
#include "support/error_code_printing.hpp"
#include "test_bytes.hpp"
#include "wire/error.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace imchat::wire {
namespace {

using test::bytes_of;
using test::concat;
using test::frame_bytes;
using test::text_bytes;
using test::u32_be;

// The frame types of docs/wire-protocol.md §3, written out here rather than taken from
// the codec, so that the decoder is checked against the spec.
constexpr std::uint8_t spec_frame_types[] = {0x01, 0x02, 0x10, 0x11, 0x12, 0x13, 0x18,
                                             0x19, 0x1A, 0x1B, 0x20, 0x21, 0x22, 0x23};

bool is_spec_frame_type(unsigned type) {
  return std::find(std::begin(spec_frame_types), std::end(spec_frame_types), type) !=
         std::end(spec_frame_types);
}

// "0x22:68656c6c6f 0x02:" — frames as text, so a mismatch shows where streams differ.
std::string dump(const std::vector<frame>& frames) {
  std::string text;
  char hex[8];
  for (const auto& each : frames) {
    std::snprintf(hex, sizeof hex, "0x%02x:", static_cast<unsigned>(each.type));
    text += hex;
    for (const auto b : each.body) {
      std::snprintf(hex, sizeof hex, "%02x", std::to_integer<unsigned>(b));
      text += hex;
    }
    text += ' ';
  }
  return text;
}

struct fed {
  std::vector<frame> frames;
  std::error_code last;    // of the last put(): need_more, success or a protocol error
  std::size_t consumed = 0;
};

// Feeds `input` to `decoder` in the pieces between the offsets `cuts` (ascending), taking
// each complete frame, the way a connection feeds what each read returns.
fed feed_in_pieces(frame_decoder& decoder, std::span<const std::byte> input,
                   std::initializer_list<std::size_t> cuts = {}) {
  fed result;
  std::size_t piece_start = 0;
  std::vector<std::size_t> ends(cuts);
  ends.push_back(input.size());
  for (const auto piece_end : ends) {
    auto piece = input.subspan(piece_start, piece_end - piece_start);
    piece_start = piece_end;
    while (!piece.empty()) {
      const std::size_t used = decoder.put(piece, result.last);
      REQUIRE(used <= piece.size());
      result.consumed += used;
      piece = piece.subspan(used);
      if (result.last == error::need_more) {
        REQUIRE(piece.empty());
        break;
      }
      if (result.last) return result;
      result.frames.push_back(decoder.take());
    }
  }
  return result;
}

struct sample_stream {
  std::vector<frame> frames;
  bytes encoded;
};

// Several different frames back to back: empty bodies, short ones, and one longer than
// 255 bytes so that more than the last length byte is non-zero.
sample_stream make_sample_stream() {
  sample_stream sample;
  bytes long_body(300);
  for (std::size_t i = 0; i < long_body.size(); ++i) long_body[i] = std::byte((i * 7) & 0xFF);
  sample.frames = {
      {frame_type::heartbeat, {}},
      {frame_type::message, text_bytes("hello")},
      {frame_type::lookup, concat(u32_be(7), test::str_field("Q_cheese"))},
      {frame_type::message, long_body},
      {frame_type::attached, {}},
      {frame_type::ok, u32_be(0xDEADBEEF)},
      {frame_type::message, bytes_of({0x00})},
  };
  for (const auto& each : sample.frames) {
    const auto one = frame_bytes(static_cast<std::uint8_t>(each.type), each.body);
    sample.encoded.insert(sample.encoded.end(), one.begin(), one.end());
  }
  return sample;
}

// Offsets in the sample stream at which a frame ends (and the next one starts).
std::vector<std::size_t> frame_boundaries(const sample_stream& sample) {
  std::vector<std::size_t> ends{0};
  for (const auto& each : sample.frames) ends.push_back(ends.back() + frame_header_size + each.body.size());
  return ends;
}

TEST_CASE("a whole frame in one buffer is decoded at once") {
  frame_decoder decoder;
  const auto input = frame_bytes(0x22, text_bytes("hello"));
  std::error_code ec = error::need_more;

  CHECK(decoder.put(input, ec) == input.size());
  CHECK(ec == std::error_code{});
  CHECK_FALSE(decoder.idle());  // a complete frame waits to be taken

  const auto got = decoder.take();
  CHECK(got.type == frame_type::message);
  CHECK(got.body == text_bytes("hello"));
  CHECK(decoder.idle());
}

TEST_CASE("a frame with an empty body is complete right after its header") {
  frame_decoder decoder;
  const auto input = frame_bytes(0x02, {});
  std::error_code ec;
  CHECK(decoder.put(input, ec) == frame_header_size);
  CHECK(ec == std::error_code{});
  const auto got = decoder.take();
  CHECK(got.type == frame_type::heartbeat);
  CHECK(got.body.empty());
}

TEST_CASE("fed one byte at a time - a stream gives the same frames") {
  const auto sample = make_sample_stream();
  const auto boundaries = frame_boundaries(sample);
  frame_decoder decoder;
  std::vector<frame> frames;

  for (std::size_t i = 0; i < sample.encoded.size(); ++i) {
    INFO("byte " << i);
    std::error_code ec;
    CHECK(decoder.put(std::span(sample.encoded).subspan(i, 1), ec) == 1);
    const bool ends_a_frame = std::count(boundaries.begin(), boundaries.end(), i + 1) == 1;
    if (ends_a_frame) {
      REQUIRE(ec == std::error_code{});
      frames.push_back(decoder.take());
      CHECK(decoder.idle());
    } else {
      REQUIRE(ec == error::need_more);
      CHECK_FALSE(decoder.idle());
    }
  }
  CHECK(dump(frames) == dump(sample.frames));
}

TEST_CASE("several frames in one buffer come out one put() per frame") {
  const auto sample = make_sample_stream();
  frame_decoder decoder;
  std::span<const std::byte> rest(sample.encoded);

  for (const auto& expected : sample.frames) {
    std::error_code ec;
    const std::size_t used = decoder.put(rest, ec);
    // put() stops at the end of the frame: the next frame's bytes are left to the caller.
    CHECK(used == frame_header_size + expected.body.size());
    REQUIRE(ec == std::error_code{});
    const auto got = decoder.take();
    CHECK(dump({got}) == dump({expected}));
    rest = rest.subspan(used);
  }
  CHECK(rest.empty());
  CHECK(decoder.idle());
}

TEST_CASE("every split point of a stream gives the same frames") {
  const auto sample = make_sample_stream();
  const auto expected = dump(sample.frames);

  for (std::size_t cut = 0; cut <= sample.encoded.size(); ++cut) {
    INFO("cut at " << cut);
    frame_decoder decoder;
    const auto result = feed_in_pieces(decoder, sample.encoded, {cut});
    CHECK(result.last == std::error_code{});
    CHECK(result.consumed == sample.encoded.size());
    CHECK(dump(result.frames) == expected);
    CHECK(decoder.idle());
  }
}

TEST_CASE("every pair of split points gives the same frames") {
  // Three pieces: a frame's header and body can each be split, and a piece can hold the
  // end of one frame and the start of the next.
  sample_stream sample = make_sample_stream();
  // Without the 300-byte body: it adds nothing here but 80,000 more runs.
  sample.frames.erase(sample.frames.begin() + 3);
  sample.encoded.clear();
  for (const auto& each : sample.frames) {
    const auto one = frame_bytes(static_cast<std::uint8_t>(each.type), each.body);
    sample.encoded.insert(sample.encoded.end(), one.begin(), one.end());
  }
  const auto expected = dump(sample.frames);

  for (std::size_t first = 0; first <= sample.encoded.size(); ++first) {
    for (std::size_t second = first; second <= sample.encoded.size(); ++second) {
      frame_decoder decoder;
      const auto result = feed_in_pieces(decoder, sample.encoded, {first, second});
      if (dump(result.frames) != expected || result.last) {
        INFO("cuts at " << first << " and " << second);
        CHECK(dump(result.frames) == expected);
        CHECK(result.last == std::error_code{});
      }
    }
  }
}

TEST_CASE("a stream cut short ends in need_more - and the decoder is idle only between frames") {
  const auto sample = make_sample_stream();
  const auto boundaries = frame_boundaries(sample);

  for (std::size_t length = 1; length < sample.encoded.size(); ++length) {
    INFO("first " << length << " bytes");
    frame_decoder decoder;
    const auto result = feed_in_pieces(decoder, std::span(sample.encoded).first(length));
    CHECK(result.consumed == length);
    const bool on_boundary = std::count(boundaries.begin(), boundaries.end(), length) == 1;
    if (on_boundary) {
      CHECK(result.last == std::error_code{});
      CHECK(decoder.idle());
    } else {
      CHECK(result.last == error::need_more);
      // A connection that closes now closed mid-frame: idle() is how it knows.
      CHECK_FALSE(decoder.idle());
    }
  }
}

TEST_CASE("an empty put() changes nothing") {
  frame_decoder decoder;
  std::error_code ec;
  CHECK(decoder.put({}, ec) == 0);
  CHECK(ec == error::need_more);
  CHECK(decoder.idle());

  const auto input = frame_bytes(0x22, text_bytes("abc"));
  CHECK(decoder.put(std::span(input).first(6), ec) == 6);
  CHECK(ec == error::need_more);
  CHECK(decoder.put({}, ec) == 0);
  CHECK(ec == error::need_more);
  CHECK_FALSE(decoder.idle());
  CHECK(decoder.put(std::span(input).subspan(6), ec) == 2);
  CHECK(ec == std::error_code{});
  CHECK(decoder.take().body == text_bytes("abc"));
}

TEST_CASE("a 4 GiB length prefix is frame_too_large after exactly 5 bytes - allocating nothing") {
  frame_decoder decoder;
  // The header and the start of a body that must never be read.
  const auto input = concat(bytes_of({0xFF, 0xFF, 0xFF, 0xFF, 0x22}), text_bytes("body bytes"));
  std::error_code ec;
  std::size_t used = 0;
  std::size_t largest_allocation = 0;
  {
    imchat::test::allocation_probe probe;
    used = decoder.put(input, ec);
    largest_allocation = probe.largest();
  }
  CHECK(used == frame_header_size);
  CHECK(ec == error::frame_too_large);
  CHECK(largest_allocation < 1024);
  CHECK_FALSE(decoder.idle());
}

TEST_CASE("an accepted header alone reserves at most the initial body reserve") {
  // A peer that sends a 1 MiB header and then stalls must not cost a megabyte.
  frame_decoder decoder;
  const auto header = concat(u32_be(default_max_body_size), bytes_of({0x22}));
  std::error_code ec;
  std::size_t largest_allocation = 0;
  {
    imchat::test::allocation_probe probe;
    CHECK(decoder.put(header, ec) == frame_header_size);
    largest_allocation = probe.largest();
  }
  CHECK(ec == error::need_more);
  CHECK(largest_allocation >= initial_body_reserve);
  CHECK(largest_allocation < default_max_body_size);
}

TEST_CASE("the allocation probe does see the body buffer of a frame that arrives in pieces") {
  // The control for the tests above and below: without it "allocates nothing" could pass
  // vacuously.
  frame_decoder decoder;
  const auto input = concat(concat(u32_be(default_max_body_size), bytes_of({0x22})),
                            std::vector<std::byte>(default_max_body_size, std::byte{'x'}));
  const auto first = std::span(input).first(input.size() / 2);
  std::error_code ec;
  std::size_t largest_allocation = 0;
  {
    imchat::test::allocation_probe probe;
    CHECK(decoder.put(first, ec) == first.size());
    CHECK(ec == error::need_more);
    CHECK(decoder.put(std::span(input).subspan(first.size()), ec) == input.size() - first.size());
    largest_allocation = probe.largest();
  }
  CHECK(ec == std::error_code{});
  imchat::wire::bytes storage;
  const auto got = decoder.take_view(storage);
  CHECK(got.body.size() == default_max_body_size);
  CHECK(got.body.data() == storage.data());  // gathered: in the storage given
  CHECK(largest_allocation >= default_max_body_size);
}

TEST_CASE("a frame that lies whole in its input is viewed there - not copied - and a split one is gathered") {
  const auto input = concat(frame_bytes(0x22, text_bytes("hello")), frame_bytes(0x02, {}),
                            frame_bytes(0x22, std::vector<std::byte>(100'000, std::byte{'y'})));
  frame_decoder decoder;
  std::error_code ec;
  imchat::wire::bytes storage;
  std::size_t largest_allocation = 0;
  std::span<const std::byte> rest = input;
  std::error_code first_ec, second_ec;
  imchat::wire::frame_view hello, heartbeat;
  {
    imchat::test::allocation_probe probe;
    rest = rest.subspan(decoder.put(rest, first_ec));
    hello = decoder.take_view(storage);
    rest = rest.subspan(decoder.put(rest, second_ec));
    heartbeat = decoder.take_view(storage);
    largest_allocation = probe.largest();
  }
  CHECK(largest_allocation == 0);
  CHECK(first_ec == std::error_code{});
  CHECK(second_ec == std::error_code{});
  CHECK(hello.type == frame_type::message);
  CHECK(hello.body.data() == input.data() + frame_header_size);
  CHECK(as_text(hello.body) == "hello");
  CHECK(heartbeat.type == frame_type::heartbeat);
  CHECK(heartbeat.body.empty());
  // The large frame comes in two pieces: gathered into the storage, and the same bytes.
  const auto half = rest.first(rest.size() / 2);
  CHECK(decoder.put(half, ec) == half.size());
  CHECK(ec == error::need_more);
  CHECK(decoder.put(rest.subspan(half.size()), ec) == rest.size() - half.size());
  REQUIRE(ec == std::error_code{});
  const auto large = decoder.take_view(storage);
  CHECK(large.body.data() == storage.data());
  CHECK(large.body.size() == 100'000);
  CHECK(std::all_of(large.body.begin(), large.body.end(), [](std::byte b) { return b == std::byte{'y'}; }));
  CHECK(decoder.idle());
}

TEST_CASE("an empty frame after a gathered one in the same read leaves the gathered bytes where they are") {
  // A connection hands on a read's frames as views and copies them at the read's end: a
  // heartbeat that followed a split message must not free the message's bytes meanwhile.
  const auto message = frame_bytes(0x22, text_bytes("a message that came in two reads"));
  const auto input = concat(message, frame_bytes(0x02, {}));
  frame_decoder decoder;
  std::error_code ec;
  CHECK(decoder.put(std::span(input).first(10), ec) == 10);
  REQUIRE(ec == error::need_more);
  std::span<const std::byte> rest = std::span(input).subspan(10);
  rest = rest.subspan(decoder.put(rest, ec));
  REQUIRE(ec == std::error_code{});
  imchat::wire::bytes storage;
  const auto gathered = decoder.take_view(storage);
  REQUIRE(gathered.body.data() == storage.data());
  const auto* const held = storage.data();
  rest = rest.subspan(decoder.put(rest, ec));
  REQUIRE(ec == std::error_code{});
  const auto heartbeat = decoder.take_view(storage);
  CHECK(heartbeat.type == frame_type::heartbeat);
  CHECK(heartbeat.body.empty());
  CHECK(rest.empty());
  CHECK(storage.data() == held);  // not replaced (which frees what `gathered` shows)
  CHECK(as_text(gathered.body) == "a message that came in two reads");
}

TEST_CASE("an oversized header fed byte by byte fails on its fifth byte") {
  frame_decoder decoder;
  const auto header = bytes_of({0xFF, 0xFF, 0xFF, 0xFF, 0x01});
  std::error_code ec;
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(decoder.put(std::span(header).subspan(i, 1), ec) == 1);
    CHECK(ec == error::need_more);
  }
  CHECK(decoder.put(std::span(header).subspan(4, 1), ec) == 1);
  CHECK(ec == error::frame_too_large);
}

TEST_CASE("max_body_size is honoured at the boundary") {
  SUBCASE("the default is 1 MiB: a header at the limit is accepted, one byte more is not") {
    frame_decoder decoder;
    CHECK(decoder.limits().max_body_size == 1024u * 1024u);
    std::error_code ec;
    CHECK(decoder.put(concat(u32_be(1024 * 1024), bytes_of({0x22})), ec) == frame_header_size);
    CHECK(ec == error::need_more);

    frame_decoder other;
    CHECK(other.put(concat(u32_be(1024 * 1024 + 1), bytes_of({0x22})), ec) == frame_header_size);
    CHECK(ec == error::frame_too_large);
  }
  SUBCASE("a configured limit: a body of exactly the limit is decoded") {
    frame_decoder decoder(decoder_limits{.max_body_size = 64});
    CHECK(decoder.limits().max_body_size == 64);
    const bytes body(64, std::byte{0x5A});
    const auto input = frame_bytes(0x22, body);
    std::error_code ec;
    CHECK(decoder.put(input, ec) == input.size());
    REQUIRE(ec == std::error_code{});
    CHECK(decoder.take().body == body);
  }
  SUBCASE("a configured limit: one byte over is frame_too_large after the header") {
    frame_decoder decoder(decoder_limits{.max_body_size = 64});
    const auto input = frame_bytes(0x22, bytes(65, std::byte{0x5A}));
    std::error_code ec;
    CHECK(decoder.put(input, ec) == frame_header_size);
    CHECK(ec == error::frame_too_large);
  }
  SUBCASE("a limit of zero admits only empty bodies") {
    frame_decoder decoder(decoder_limits{.max_body_size = 0});
    std::error_code ec;
    CHECK(decoder.put(frame_bytes(0x02, {}), ec) == frame_header_size);
    REQUIRE(ec == std::error_code{});
    CHECK(decoder.take().type == frame_type::heartbeat);
    CHECK(decoder.put(frame_bytes(0x22, bytes_of({0x01})), ec) == frame_header_size);
    CHECK(ec == error::frame_too_large);
  }
}

TEST_CASE("every type outside the spec is unknown_frame_type - from the header alone") {
  for (unsigned type = 0; type <= 0xFF; ++type) {
    INFO("type " << type);
    frame_decoder decoder;
    // A one-byte body follows; for an unknown type it must not be consumed.
    const auto input = frame_bytes(static_cast<std::uint8_t>(type), bytes_of({0x00}));
    std::error_code ec;
    const std::size_t used = decoder.put(input, ec);
    if (is_spec_frame_type(type)) {
      CHECK(used == input.size());
      REQUIRE(ec == std::error_code{});
      CHECK(static_cast<unsigned>(decoder.take().type) == type);
    } else {
      CHECK(used == frame_header_size);
      CHECK(ec == error::unknown_frame_type);
    }
  }
}

TEST_CASE("a failed decoder stays failed") {
  frame_decoder decoder;
  std::error_code ec;
  SUBCASE("after frame_too_large") {
    decoder.put(concat(u32_be(0xFFFFFFFF), bytes_of({0x22})), ec);
    REQUIRE(ec == error::frame_too_large);
  }
  SUBCASE("after unknown_frame_type") {
    decoder.put(frame_bytes(0x7F, {}), ec);
    REQUIRE(ec == error::unknown_frame_type);
  }
  const auto failure = ec;

  // A perfectly good frame is refused without consuming anything, and `ec` is set even
  // when the caller cleared it.
  ec.clear();
  CHECK(decoder.put(frame_bytes(0x02, {}), ec) == 0);
  CHECK(ec == failure);
  ec.clear();
  CHECK(decoder.put({}, ec) == 0);
  CHECK(ec == failure);
  CHECK_FALSE(decoder.idle());
}

TEST_CASE("random garbage never crashes and ends in need_more or a named error") {
  // Mostly-plausible garbage: random bytes mixed with headers of known types and small
  // lengths, so that the fuzz reaches bodies and frame boundaries, not just the first
  // header. Fed in random chunk sizes. Seeded: a failure reproduces.
  std::mt19937 random(20240611);
  auto below = [&random](std::size_t bound) {
    return std::uniform_int_distribution<std::size_t>(0, bound - 1)(random);
  };
  std::size_t total_frames = 0;
  std::size_t ended_in_error = 0;
  std::size_t ended_waiting = 0;

  for (int iteration = 0; iteration < 3000; ++iteration) {
    INFO("iteration " << iteration);
    bytes input;
    const std::size_t segments = below(8);
    for (std::size_t s = 0; s < segments; ++s) {
      if (below(3) == 0) {
        for (std::size_t n = below(24); n > 0; --n) input.push_back(std::byte(below(256)));
      } else {
        // One draw per statement: argument order would make the sequence compiler-specific.
        const auto length = static_cast<std::uint32_t>(below(32));
        const auto type = spec_frame_types[below(std::size(spec_frame_types))];
        const auto header = concat(u32_be(length), bytes_of({type}));
        input.insert(input.end(), header.begin(), header.end());
        for (std::size_t n = below(32); n > 0; --n) input.push_back(std::byte(below(256)));
      }
    }

    frame_decoder decoder(decoder_limits{.max_body_size = static_cast<std::uint32_t>(below(40))});
    std::span<const std::byte> rest(input);
    std::error_code ec = error::need_more;
    while (!rest.empty()) {
      const auto chunk = rest.first(std::min(rest.size(), 1 + below(17)));
      const std::size_t used = decoder.put(chunk, ec);
      REQUIRE(used <= chunk.size());
      rest = rest.subspan(used);
      if (ec == error::need_more) continue;
      if (ec) break;
      const auto got = decoder.take();
      CHECK(is_spec_frame_type(static_cast<unsigned>(got.type)));
      CHECK(got.body.size() <= decoder.limits().max_body_size);
      ++total_frames;
    }

    if (!ec && decoder.idle()) continue;  // ended exactly after a frame
    CHECK(ec.category() == wire_category());
    CHECK_FALSE(error_name(static_cast<std::uint16_t>(ec.value())).empty());
    if (ec == error::need_more) {
      ++ended_waiting;
    } else {
      CHECK((ec == error::frame_too_large || ec == error::unknown_frame_type));
      ++ended_in_error;
    }
  }
  // The garbage must reach all three outcomes, or this test tests little.
  CHECK(total_frames > 1000);
  CHECK(ended_in_error > 100);
  CHECK(ended_waiting > 100);
}

}  // namespace
}  // namespace imchat::wire
