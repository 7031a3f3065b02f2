// Scopes inside one process: process-scope objects are shared by every application thread
// of a dispatcher, local ones belong to the thread that made them and nobody else can
// even find them.

#include "application_thread.hpp"
#include "message_texts.hpp"
#include "test_directory.hpp"

#include "directory/locator.hpp"
#include "kernel/api_thread.hpp"
#include "support/error_code_printing.hpp"
#include "wire/error.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using imchat::api_thread;
using imchat::exchange_id;
using imchat::scope;
using imchat::test::application_thread;
using imchat::test::numbered;
using imchat::test::receive_texts;
using imchat::test::send_all;

namespace {

// The error a call throws, or a default error_code when it throws nothing; `what`
// receives the message so that a check can show it.
template <class Call>
std::error_code error_from(Call call, std::string& what) {
  try {
    call();
  } catch (const std::system_error& e) {
    what = e.what();
    return e.code();
  }
  return {};
}

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("kernel: two application threads talk through each other's process-scope objects") {
  imchat::dispatcher dispatcher(2);
  application_thread a(dispatcher), b(dispatcher);
  const auto a_out = a.call([](api_thread& api) {
    api.create_queue("A in", scope::process);
    return api.create_exchange("A out", scope::process);
  });
  const auto b_out = b.call([](api_thread& api) {
    api.create_queue("B in", scope::process);
    return api.create_exchange("B out", scope::process);
  });
  // Each thread binds its own exchange to the other's queue: only process scope lets it
  // see that queue at all.
  a.call([](api_thread& api) { api.bind("A out", "B in"); });
  b.call([](api_thread& api) { api.bind("B out", "A in"); });

  const auto pings = numbered("ping", 5);
  const auto pongs = numbered("pong", 5);
  a.call([&](api_thread& api) { send_all(api, a_out, pings); });
  b.call([&](api_thread& api) { send_all(api, b_out, pongs); });

  CHECK(b.call([](api_thread& api) { return receive_texts(api, 5, 5s); }) == pings);
  CHECK(a.call([](api_thread& api) { return receive_texts(api, 5, 5s); }) == pongs);
  // Each message went to the one queue bound to its exchange, once.
  CHECK(a.call([](api_thread& api) { return !api.try_receive(); }));
  CHECK(b.call([](api_thread& api) { return !api.try_receive(); }));
}

TEST_CASE("kernel: a third thread can bind two other threads' process-scope objects") {
  imchat::dispatcher dispatcher(3);
  application_thread sender(dispatcher), receiver(dispatcher), wiring(dispatcher);
  const auto out = sender.call([](api_thread& api) { return api.create_exchange("E", scope::process); });
  receiver.call([](api_thread& api) { api.create_queue("Q", scope::process); });
  wiring.call([](api_thread& api) { api.bind("E", "Q"); });

  sender.call([&](api_thread& api) { send_all(api, out, {"wired by someone else"}); });
  CHECK(receiver.call([](api_thread& api) { return receive_texts(api, 1, 5s); }) ==
        std::vector<std::string>{"wired by someone else"});
}

TEST_CASE("kernel: another thread cannot bind to a thread's local objects") {
  imchat::dispatcher dispatcher(2);
  application_thread owner(dispatcher), other(dispatcher);
  const auto owner_out = owner.call([](api_thread& api) {
    api.create_queue("owner's queue");
    return api.create_exchange("owner's exchange");
  });
  other.call([](api_thread& api) {
    api.create_queue("other's queue");
    api.create_exchange("other's exchange");
  });

  SUBCASE("its local exchange") {
    std::string what;
    CHECK(other.call([&](api_thread& api) {
      return error_from([&] { api.bind("owner's exchange", "other's queue"); }, what);
    }) == imchat::wire::error::not_found);
    INFO(what);
    CHECK(what.find("'owner's exchange'") != std::string::npos);
  }
  SUBCASE("its local queue") {
    std::string what;
    CHECK(other.call([&](api_thread& api) {
      return error_from([&] { api.bind("other's exchange", "owner's queue"); }, what);
    }) == imchat::wire::error::not_found);
    INFO(what);
    CHECK(what.find("'owner's queue'") != std::string::npos);
  }
  SUBCASE("both ends") {
    std::string what;
    CHECK(other.call([&](api_thread& api) {
      return error_from([&] { api.bind("owner's exchange", "owner's queue"); }, what);
    }) == imchat::wire::error::not_found);
  }

  // The owner itself can use them: the objects exist, they are just not the other's.
  owner.call([](api_thread& api) { api.bind("owner's exchange", "owner's queue"); });
  owner.call([&](api_thread& api) { send_all(api, owner_out, {"to myself"}); });
  CHECK(owner.call([](api_thread& api) { return receive_texts(api, 1, 5s); }) ==
        std::vector<std::string>{"to myself"});
}

TEST_CASE("kernel: a local object is not in the directory either") {
  imchat::test::test_directory directory;
  imchat::directory::locator locator(directory.address());
  imchat::dispatcher dispatcher(2);
  application_thread owner(dispatcher, &locator), other(dispatcher, &locator);
  owner.call([](api_thread& api) { api.create_exchange("hidden exchange"); });
  other.call([](api_thread& api) { api.create_queue("other's queue"); });

  std::string what;
  CHECK(other.call([&](api_thread& api) {
    return error_from([&] { api.bind("hidden exchange", "other's queue", nullptr, nullptr); }, what);
  }) == imchat::wire::error::not_found);
  INFO(what);
  CHECK(what.find("'hidden exchange'") != std::string::npos);
}

}  // TEST_SUITE
