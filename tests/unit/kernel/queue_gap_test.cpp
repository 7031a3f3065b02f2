// Gap notices in a queue (push_gap(): one notice per outage, with the count of messages
// lost when known), the connection notices (push_notice()) and the message accessors
// that carry the numbers.

#include "kernel/message.hpp"
#include "kernel/detail/queue.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

using imchat::message;
using imchat::message_type;
using imchat::detail::queue;
using imchat::detail::receive_signal;

namespace {

// What a queue holds, in order: the text of a data message, "<gap N>" for a gap notice.
std::vector<std::string> drain(queue& q) {
  std::vector<std::string> out;
  std::lock_guard lock(q.signal().mutex);
  while (auto m = q.pop_locked()) {
    if (m->type() == message_type::gap)
      out.push_back("<gap " + std::to_string(m->lost()) + ">");
    else if (m->type() == message_type::disconnected)
      out.emplace_back("<disconnected>");
    else if (m->type() == message_type::reconnected)
      out.emplace_back("<reconnected>");
    else
      out.emplace_back(m->text());
  }
  return out;
}

queue make_queue() {
  return queue("Q", imchat::scope::process, std::make_shared<receive_signal>());
}

void push_text(queue& q, const std::string& text) {
  std::vector<message> batch{message(text)};
  REQUIRE(q.push_some(batch, [] {}) == 1);
}

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("message: a data message has a sequence and no lost count") {
  message m("hello");
  CHECK(m.type() == message_type::data);
  CHECK(m.sequence() == 0);  // not sent yet
  CHECK(m.lost() == 0);
  m.set_sequence(17);
  CHECK(m.sequence() == 17);
  CHECK(m.lost() == 0);
  CHECK(m.text() == "hello");
  CHECK(m.size() == 5);
}

TEST_CASE("message: a gap notice has a lost count and no sequence") {
  const auto known = message::gap(3);
  CHECK(known.type() == message_type::gap);
  CHECK(known.lost() == 3);
  CHECK(known.sequence() == 0);
  CHECK(known.size() == 0);

  const auto unknown = message::gap();
  CHECK(unknown.type() == message_type::gap);
  CHECK(unknown.lost() == 0);
  CHECK(unknown.sequence() == 0);
}

TEST_CASE("queue: a gap notice alone is queued with its count") {
  auto q = make_queue();
  q.push_gap(4);
  CHECK(drain(q) == std::vector<std::string>{"<gap 4>"});
  q.push_gap();
  CHECK(drain(q) == std::vector<std::string>{"<gap 0>"});
}

TEST_CASE("queue: consecutive gap notices merge and their counts add up") {
  auto q = make_queue();
  push_text(q, "before");
  q.push_gap(2);
  q.push_gap(3);
  q.push_gap(1);
  CHECK(drain(q) == std::vector<std::string>{"before", "<gap 6>"});
}

TEST_CASE("queue: a merged gap notice with an unknown count is unknown") {
  auto q = make_queue();
  SUBCASE("unknown then known") {
    q.push_gap(0);
    q.push_gap(5);
  }
  SUBCASE("known then unknown") {
    q.push_gap(5);
    q.push_gap(0);
  }
  SUBCASE("known unknown known") {
    q.push_gap(2);
    q.push_gap(0);
    q.push_gap(3);
  }
  CHECK(drain(q) == std::vector<std::string>{"<gap 0>"});
}

TEST_CASE("queue: a gap notice after a data message is a new notice") {
  auto q = make_queue();
  q.push_gap(2);
  push_text(q, "between");
  q.push_gap(3);
  push_text(q, "after");
  CHECK(drain(q) == std::vector<std::string>{"<gap 2>", "between", "<gap 3>", "after"});
}

TEST_CASE("queue: a gap notice after one already taken out is a new notice") {
  auto q = make_queue();
  q.push_gap(2);
  CHECK(drain(q) == std::vector<std::string>{"<gap 2>"});
  q.push_gap(3);
  CHECK(drain(q) == std::vector<std::string>{"<gap 3>"});
}

TEST_CASE("queue: connection notices are queued in order among the messages") {
  auto q = make_queue();
  push_text(q, "before");
  q.push_notice(message_type::disconnected);
  q.push_gap(2);
  q.push_notice(message_type::reconnected);
  push_text(q, "after");
  CHECK(drain(q) == std::vector<std::string>{"before", "<disconnected>", "<gap 2>", "<reconnected>", "after"});
}

TEST_CASE("queue: a link that flaps while nobody reads holds one outage's notices") {
  auto q = make_queue();
  for (int outage = 0; outage < 1000; ++outage) {
    q.push_notice(message_type::disconnected);
    q.push_gap(1);
    q.push_notice(message_type::reconnected);
  }
  CHECK(drain(q) == std::vector<std::string>{"<disconnected>", "<gap 1000>", "<reconnected>"});
}

TEST_CASE("queue: a reconnection the owner has seen is not undone by the next outage") {
  auto q = make_queue();
  q.push_notice(message_type::disconnected);
  q.push_notice(message_type::reconnected);
  CHECK(drain(q) == std::vector<std::string>{"<disconnected>", "<reconnected>"});
  q.push_notice(message_type::disconnected);
  CHECK(drain(q) == std::vector<std::string>{"<disconnected>"});
}

}  // TEST_SUITE
