// The largest message a thread may send is its kernel's maximum message size (by default
// the protocol's maximum frame body, so that anything sent can cross the network).

#include "application_thread.hpp"
#include "message_texts.hpp"

#include "kernel/api_thread.hpp"
#include "support/error_code_printing.hpp"
#include "wire/frame.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using imchat::api_thread;
using imchat::message;
using imchat::test::application_thread;

namespace {

// Sends a message of `size` bytes to the thread's own queue; returns the error it threw
// (none when it was sent) and the size of what then came out of the queue (0: nothing).
std::pair<std::error_code, std::size_t> send_of_size(api_thread& api, imchat::exchange_id out, std::size_t size) {
  std::error_code error;
  try {
    api.send(out, message(size));
  } catch (const std::system_error& e) {
    error = e.code();
  }
  const auto m = api.try_receive();
  return {error, m ? m->size() : 0};
}

imchat::exchange_id wire_to_itself(api_thread& api) {
  const auto out = api.create_exchange("E");
  api.create_queue("Q");
  api.bind("E", "Q");
  return out;
}

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("kernel: a message larger than the maximum size is refused with message_size") {
  imchat::dispatcher dispatcher(1);
  imchat::kernel_options options;
  options.max_message_size = 1000;
  application_thread thread(dispatcher, nullptr, options);
  const auto out = thread.call(wire_to_itself);

  const auto at_limit = thread.call([&](api_thread& api) { return send_of_size(api, out, 1000); });
  CHECK(at_limit.first == std::error_code{});
  CHECK(at_limit.second == 1000);

  const auto over = thread.call([&](api_thread& api) { return send_of_size(api, out, 1001); });
  CHECK(over.first == std::errc::message_size);
  CHECK(over.second == 0);  // refused before it reached any queue
}

TEST_CASE("kernel: the default maximum message size is the maximum frame body") {
  imchat::dispatcher dispatcher(1);
  application_thread thread(dispatcher);
  const auto out = thread.call(wire_to_itself);
  const std::size_t limit = imchat::wire::default_max_body_size;

  const auto at_limit = thread.call([&](api_thread& api) { return send_of_size(api, out, limit); });
  CHECK(at_limit.first == std::error_code{});
  CHECK(at_limit.second == limit);
  CHECK(thread.call([&](api_thread& api) { return send_of_size(api, out, limit + 1); }).first ==
        std::errc::message_size);
}

}  // TEST_SUITE
