// fanout_pipe with a real io_context: what a sender posts reaches every attached sink, in
// order, a burst in one batch (one wake-up), without copying the bytes.

#include "kernel/detail/fanout_pipe.hpp"

#include <doctest/doctest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

using imchat::message;
using imchat::detail::fanout_pipe;
using imchat::detail::message_sink;

namespace {

// Keeps what it is given, one entry per batch.
struct recording_sink : message_sink {
  std::vector<std::vector<std::string>> batches;
  std::vector<const std::byte*> buffers;  // where each message's bytes are
  std::function<void()> on_deliver;
  std::vector<const imchat::wire::bytes*> encodings;  // the shared frames each batch came with
  void deliver(std::span<const message> batch, imchat::detail::encoded_batch& encoded) override {
    encodings.push_back(encoded.from(0).frames.get());
    auto& texts = batches.emplace_back();
    for (const auto& m : batch) {
      texts.emplace_back(m.text());
      buffers.push_back(m.data().data());
    }
    if (on_deliver) on_deliver();
  }
  std::vector<std::string> all() const {
    std::vector<std::string> texts;
    for (const auto& batch : batches) texts.insert(texts.end(), batch.begin(), batch.end());
    return texts;
  }
};

using texts = std::vector<std::string>;

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("fanout pipe: a burst reaches every sink in order - as one batch after one wake-up") {
  boost::asio::io_context io;
  auto pipe = std::make_shared<fanout_pipe>(io);
  auto first = std::make_shared<recording_sink>();
  auto second = std::make_shared<recording_sink>();
  pipe->attach(first);
  pipe->attach(second);
  CHECK(pipe->empty());

  for (const auto* text : {"a", "b", "c"}) pipe->post(message(std::string_view(text)));
  CHECK_FALSE(pipe->empty());
  CHECK(first->batches.empty());  // nothing before the I/O thread runs
  CHECK(io.run() == 1);           // one handler for the three posts
  CHECK(pipe->empty());
  CHECK(first->batches == std::vector<texts>{{"a", "b", "c"}});
  CHECK(second->batches == std::vector<texts>{{"a", "b", "c"}});
  // The batch's frames were encoded once, for both.
  REQUIRE(first->encodings.size() == 1);
  REQUIRE(second->encodings.size() == 1);
  CHECK(first->encodings.front() == second->encodings.front());

  // The next burst wakes the I/O thread again, once.
  pipe->post(message(std::string_view("d")));
  pipe->post(message(std::string_view("e")));
  io.restart();
  CHECK(io.run() == 1);
  CHECK(first->batches == std::vector<texts>{{"a", "b", "c"}, {"d", "e"}});
  CHECK(second->batches == first->batches);
}

TEST_CASE("fanout pipe: sinks get the message's own bytes - not a copy") {
  boost::asio::io_context io;
  auto pipe = std::make_shared<fanout_pipe>(io);
  auto first = std::make_shared<recording_sink>();
  auto second = std::make_shared<recording_sink>();
  pipe->attach(first);
  pipe->attach(second);
  const message sent(std::string_view("shared bytes"));
  pipe->post(sent);
  io.run();
  REQUIRE(first->buffers.size() == 1);
  REQUIRE(second->buffers.size() == 1);
  CHECK(first->buffers.front() == sent.data().data());
  CHECK(second->buffers.front() == sent.data().data());
}

TEST_CASE("fanout pipe: a detached sink gets nothing more - even one that detaches while taking a batch") {
  boost::asio::io_context io;
  auto pipe = std::make_shared<fanout_pipe>(io);
  auto leaving = std::make_shared<recording_sink>();
  auto staying = std::make_shared<recording_sink>();
  auto detached = std::make_shared<recording_sink>();
  leaving->on_deliver = [&] { pipe->detach(leaving.get()); };
  pipe->attach(leaving);
  pipe->attach(staying);
  pipe->attach(detached);
  pipe->detach(detached.get());

  pipe->post(message(std::string_view("one")));
  io.run();
  pipe->post(message(std::string_view("two")));
  io.restart();
  io.run();
  CHECK(leaving->all() == texts{"one"});
  CHECK(staying->all() == texts{"one", "two"});
  CHECK(detached->batches.empty());
}

TEST_CASE("fanout pipe: posts from several threads all arrive - each thread's in its order") {
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  auto pipe = std::make_shared<fanout_pipe>(io);
  auto sink = std::make_shared<recording_sink>();
  pipe->attach(sink);
  std::thread io_thread([&] { io.run(); });

  constexpr int senders = 4;
  constexpr int each = 2000;
  std::vector<std::thread> threads;
  for (int s = 0; s < senders; ++s)
    threads.emplace_back([&, s] {
      for (int i = 0; i < each; ++i) pipe->post(message(std::string_view(std::to_string(s) + ":" + std::to_string(i))));
    });
  for (auto& thread : threads) thread.join();
  // Everything posted is delivered before a handler posted after it runs.
  std::promise<void> drained;
  boost::asio::post(io, [&] { drained.set_value(); });
  drained.get_future().wait();
  guard.reset();
  io_thread.join();

  CHECK(pipe->empty());
  const auto received = sink->all();
  REQUIRE(received.size() == senders * each);
  std::vector<int> next(senders, 0);
  for (const auto& text : received) {
    const auto colon = text.find(':');
    const int s = std::stoi(text.substr(0, colon));
    const int i = std::stoi(text.substr(colon + 1));
    CAPTURE(text);
    REQUIRE(i == next[s]);
    ++next[s];
  }
}

}  // TEST_SUITE
