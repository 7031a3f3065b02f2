// A publisher's resend buffer: numbering, and what an acknowledgement releases.

#include "kernel/detail/resend_buffer.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using imchat::message;
using imchat::detail::resend_buffer;

namespace {

std::vector<std::string> held_texts(const resend_buffer& buffer) {
  std::vector<std::string> out;
  for (const auto& m : buffer.held()) out.emplace_back(m.text());
  return out;
}

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("resend_buffer: an empty buffer numbers from 1") {
  resend_buffer buffer;
  CHECK(buffer.empty());
  CHECK(buffer.first() == 1);
  CHECK(buffer.next_number() == 1);
  CHECK(buffer.held().empty());
}

TEST_CASE("resend_buffer: added messages are held in order and numbered 1 2 3") {
  resend_buffer buffer;
  buffer.add(message("one"));
  CHECK_FALSE(buffer.empty());
  CHECK(buffer.first() == 1);
  CHECK(buffer.next_number() == 2);
  buffer.add(message("two"));
  buffer.add(message("three"));
  CHECK(buffer.first() == 1);
  CHECK(buffer.next_number() == 4);
  CHECK(held_texts(buffer) == std::vector<std::string>{"one", "two", "three"});
}

TEST_CASE("resend_buffer: acknowledge releases exactly the messages below next with their bytes") {
  resend_buffer buffer;
  buffer.add(message("a"));      // 1: 1 byte
  buffer.add(message("bb"));     // 2: 2 bytes
  buffer.add(message("cccc"));   // 3: 4 bytes
  buffer.add(message("dddddddd"));  // 4: 8 bytes

  const auto first = buffer.acknowledge(3);
  REQUIRE(first.has_value());
  CHECK(first->messages == 2);
  CHECK(first->bytes == 3);
  CHECK(buffer.first() == 3);
  CHECK(buffer.next_number() == 5);
  CHECK(held_texts(buffer) == std::vector<std::string>{"cccc", "dddddddd"});

  const auto second = buffer.acknowledge(4);
  REQUIRE(second.has_value());
  CHECK(second->messages == 1);
  CHECK(second->bytes == 4);
  CHECK(buffer.first() == 4);
  CHECK(held_texts(buffer) == std::vector<std::string>{"dddddddd"});

  // Everything numbered: the buffer empties, and first() catches up with next_number().
  const auto rest = buffer.acknowledge(5);
  REQUIRE(rest.has_value());
  CHECK(rest->messages == 1);
  CHECK(rest->bytes == 8);
  CHECK(buffer.empty());
  CHECK(buffer.first() == 5);
  CHECK(buffer.next_number() == 5);
}

TEST_CASE("resend_buffer: numbering goes on after everything was acknowledged") {
  resend_buffer buffer;
  buffer.add(message("a"));
  buffer.add(message("b"));
  REQUIRE(buffer.acknowledge(3).has_value());
  buffer.add(message("c"));
  CHECK(buffer.first() == 3);
  CHECK(buffer.next_number() == 4);
  const auto released = buffer.acknowledge(4);
  REQUIRE(released.has_value());
  CHECK(released->messages == 1);
  CHECK(released->bytes == 1);
}

TEST_CASE("resend_buffer: acknowledging beyond what was numbered returns nullopt and keeps everything") {
  resend_buffer buffer;
  CHECK_FALSE(buffer.acknowledge(2).has_value());  // nothing numbered yet: 1 is the limit
  buffer.add(message("a"));
  buffer.add(message("b"));
  CHECK_FALSE(buffer.acknowledge(4).has_value());
  CHECK_FALSE(buffer.acknowledge(1000).has_value());
  CHECK(buffer.first() == 1);
  CHECK(buffer.next_number() == 3);
  CHECK(held_texts(buffer) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("resend_buffer: acknowledging up to next_number is allowed even when empty") {
  resend_buffer buffer;
  const auto nothing = buffer.acknowledge(1);
  REQUIRE(nothing.has_value());
  CHECK(nothing->messages == 0);
  CHECK(nothing->bytes == 0);
}

TEST_CASE("resend_buffer: acknowledgements are idempotent and older ones release nothing") {
  resend_buffer buffer;
  for (const char* text : {"a", "bb", "ccc"}) buffer.add(message(text));
  const auto first = buffer.acknowledge(3);
  REQUIRE(first.has_value());
  CHECK(first->messages == 2);

  SUBCASE("the same acknowledgement again") {
    const auto again = buffer.acknowledge(3);
    REQUIRE(again.has_value());
    CHECK(again->messages == 0);
    CHECK(again->bytes == 0);
  }
  SUBCASE("an older acknowledgement arriving late") {
    for (std::uint64_t old : {0, 1, 2}) {
      CAPTURE(old);
      const auto late = buffer.acknowledge(old);
      REQUIRE(late.has_value());
      CHECK(late->messages == 0);
      CHECK(late->bytes == 0);
    }
  }
  CHECK(buffer.first() == 3);
  CHECK(held_texts(buffer) == std::vector<std::string>{"ccc"});
}

TEST_CASE("resend_buffer: a gap-free stream of acks releases every byte once") {
  resend_buffer buffer;
  std::size_t added_bytes = 0;
  for (std::size_t size = 1; size <= 20; ++size) {
    buffer.add(message(std::string(size, 'x')));
    added_bytes += size;
  }
  std::size_t released_messages = 0;
  std::size_t released_bytes = 0;
  for (std::uint64_t next = 1; next <= buffer.next_number(); next += 3) {
    const auto released = buffer.acknowledge(next);
    REQUIRE(released.has_value());
    released_messages += released->messages;
    released_bytes += released->bytes;
  }
  const auto rest = buffer.acknowledge(buffer.next_number());
  REQUIRE(rest.has_value());
  released_messages += rest->messages;
  released_bytes += rest->bytes;
  CHECK(released_messages == 20);
  CHECK(released_bytes == added_bytes);
  CHECK(buffer.empty());
}
}  // TEST_SUITE
