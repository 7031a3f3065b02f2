// A connection's outbound queue: its own bytes and shared ones go out in the order they
// were queued, as one gather list; what is queued while a write is in flight waits for
// the next; the sizes it reports are what backlog limits count.

#include "net/outbound_queue.hpp"

#include <doctest/doctest.h>

#include <string>

using imchat::net::outbound_queue;

namespace {

void put(imchat::wire::bytes& out, std::string_view text) {
  const auto bytes = std::as_bytes(std::span(text.data(), text.size()));
  out.insert(out.end(), bytes.begin(), bytes.end());
}

std::shared_ptr<const imchat::wire::bytes> shared_text(std::string_view text) {
  auto bytes = std::make_shared<imchat::wire::bytes>();
  put(*bytes, text);
  return bytes;
}

// What a write of the buffers would send.
std::string joined(std::span<const boost::asio::const_buffer> buffers) {
  std::string text;
  for (const auto& buffer : buffers) text.append(static_cast<const char*>(buffer.data()), buffer.size());
  return text;
}

}  // namespace

TEST_SUITE("net") {

TEST_CASE("outbound queue: own and shared bytes go out in the order queued - shared ones by reference") {
  outbound_queue out;
  CHECK_FALSE(out.has_unsent());
  put(out.own(), "hello ");
  const auto batch = shared_text("[shared frames]");
  out.append_shared(batch, 1, 6);  // "shared"
  put(out.own(), " and ");
  out.append_shared(batch, 8, 6);  // "frames"
  CHECK(out.size() == 23);
  CHECK(out.has_unsent());
  const auto buffers = out.take_for_write();
  CHECK(joined(buffers) == "hello shared and frames");
  REQUIRE(buffers.size() == 4);
  CHECK(buffers[1].data() == batch->data() + 1);  // not copied
  out.written();
  CHECK(out.size() == 0);
  CHECK_FALSE(out.has_unsent());
}

TEST_CASE("outbound queue: what is queued during a write waits for the next - and the write's bytes stay put") {
  outbound_queue out;
  put(out.own(), "first");
  const auto in_flight = out.take_for_write();
  const auto* first_bytes = in_flight.front().data();
  CHECK_FALSE(out.has_unsent());
  // A frozen chunk of its own is never appended to: new bytes go into a new one.
  put(out.own(), std::string(100'000, 'x'));
  CHECK(out.has_unsent());
  CHECK(out.size() == 100'005);
  CHECK(std::string(static_cast<const char*>(first_bytes), 5) == "first");
  out.written();
  CHECK(out.size() == 100'000);
  CHECK(out.take_for_write().front().size() == 100'000);
  out.written();
  CHECK(out.size() == 0);
}

TEST_CASE("outbound queue: a write takes at most its buffers' worth - the rest goes next") {
  outbound_queue out;
  const auto batch = shared_text("abcdef");
  for (std::size_t i = 0; i < 6; ++i) out.append_shared(batch, i, 1);
  CHECK(joined(out.take_for_write(4)) == "abcd");
  CHECK(out.has_unsent());
  out.written();
  CHECK(out.size() == 2);
  CHECK(joined(out.take_for_write(4)) == "ef");
  out.written();
  CHECK_FALSE(out.has_unsent());
  out.append_shared(batch, 0, 0);  // nothing to send is not queued
  CHECK_FALSE(out.has_unsent());
}

}  // TEST_SUITE
