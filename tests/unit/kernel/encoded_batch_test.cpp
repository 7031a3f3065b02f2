// An exchange's batch encoded once for all its subscribers: the frames are the messages'
// own MESSAGE frames, notices leave none, and a subscriber that starts further in gets the
// tail of the same buffer.

#include "kernel/detail/encoded_batch.hpp"
#include "wire/frame_decoder.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using imchat::message;
using imchat::message_type;
using imchat::detail::encoded_batch;

namespace {

// The bodies of the MESSAGE frames in `bytes`, decoded.
std::vector<std::string> frames_in(std::span<const std::byte> bytes) {
  imchat::wire::frame_decoder decoder;
  std::vector<std::string> bodies;
  while (!bytes.empty()) {
    std::error_code ec;
    bytes = bytes.subspan(decoder.put(bytes, ec));
    REQUIRE_FALSE(ec);
    const auto frame = decoder.take();
    CHECK(frame.type == imchat::wire::frame_type::message);
    bodies.emplace_back(imchat::wire::as_text(frame.body));
  }
  return bodies;
}

std::vector<std::string> range_frames(const encoded_batch::range& range) {
  return frames_in(std::span(*range.frames).subspan(range.offset, range.size));
}

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("encoded batch: the data messages as frames - notices none - from any index on") {
  const std::vector<message> batch{message(std::string_view("one")), message::gap(3),
                                   message(std::string_view("two")), message::notice(message_type::reconnected),
                                   message(std::string_view("three"))};
  encoded_batch encoded(batch);
  const auto all = encoded.from(0);
  CHECK(all.messages == 3);
  CHECK(range_frames(all) == std::vector<std::string>{"one", "two", "three"});
  const auto tail = encoded.from(2);
  CHECK(tail.frames == all.frames);  // the same buffer, not a new encoding
  CHECK(tail.messages == 2);
  CHECK(range_frames(tail) == std::vector<std::string>{"two", "three"});
  CHECK(range_frames(encoded.from(3)) == std::vector<std::string>{"three"});
  const auto none = encoded.from(5);
  CHECK(none.size == 0);
  CHECK(none.messages == 0);
  CHECK(encoded.from(99).size == 0);
}

}  // TEST_SUITE
