// A name can be taken once per scope: twice local in one thread, twice process-wide in
// one process, twice global on the network, the second try is name_in_use, and the
// object that holds the name goes on working.

#include "application_thread.hpp"
#include "message_texts.hpp"
#include "simulated_process.hpp"
#include "test_directory.hpp"

#include "kernel/api_thread.hpp"
#include "support/error_code_printing.hpp"
#include "support/tcp_ports.hpp"
#include "wire/error.hpp"

#include "support/thrown_error.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using imchat::api_thread;
using imchat::scope;
using imchat::test::application_thread;
using imchat::test::receive_texts;
using imchat::test::send_all;
using imchat::test::simulated_process;
using imchat::test::test_directory;
using imchat::test::thrown_error;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("kernel: a local name taken twice in one thread is name_in_use") {
  imchat::dispatcher dispatcher(1);
  application_thread thread(dispatcher);
  const auto out = thread.call([](api_thread& api) {
    api.create_queue("Q");
    return api.create_exchange("E");
  });

  const auto queue_again = thread.call([](api_thread& api) { return thrown_error([&] { api.create_queue("Q"); }); });
  CHECK(queue_again.code() == imchat::wire::error::name_in_use);
  CHECK(contains(queue_again.what(), "'Q'"));
  // Exchanges and queues share one namespace: a binding names them without saying which.
  const auto exchange_as_queue = thread.call([](api_thread& api) { return thrown_error([&] { api.create_exchange("Q"); }); });
  CHECK(exchange_as_queue.code() == imchat::wire::error::name_in_use);

  // The first holders are untouched.
  thread.call([&](api_thread& api) {
    api.bind("E", "Q");
    send_all(api, out, {"still here"});
  });
  CHECK(thread.call([](api_thread& api) { return receive_texts(api, 1, 5s); }) ==
        std::vector<std::string>{"still here"});
}

TEST_CASE("kernel: the same local name in two threads is no collision") {
  imchat::dispatcher dispatcher(2);
  application_thread a(dispatcher), b(dispatcher);
  a.call([](api_thread& api) { api.create_queue("Q"); });
  CHECK(b.call([](api_thread& api) { return thrown_error([&] { api.create_queue("Q"); }); }).code() ==
        std::error_code{});
}

TEST_CASE("kernel: a process name taken twice in one process is name_in_use") {
  imchat::dispatcher dispatcher(2);
  application_thread a(dispatcher), b(dispatcher);
  a.call([](api_thread& api) { api.create_queue("shared", scope::process); });

  SUBCASE("by another thread") {
    const auto again = b.call([](api_thread& api) { return thrown_error([&] { api.create_queue("shared", scope::process); }); });
    CHECK(again.code() == imchat::wire::error::name_in_use);
    CHECK(contains(again.what(), "'shared'"));
    CHECK(b.call([](api_thread& api) {
      return thrown_error([&] { api.create_exchange("shared", scope::process); });
    }).code() == imchat::wire::error::name_in_use);
  }
  SUBCASE("by the same thread") {
    CHECK(a.call([](api_thread& api) {
      return thrown_error([&] { api.create_queue("shared", scope::process); });
    }).code() == imchat::wire::error::name_in_use);
  }

  // The first holder still gets what is sent to it.
  const auto out = b.call([](api_thread& api) {
    const auto id = api.create_exchange("to shared");
    api.bind("to shared", "shared");
    return id;
  });
  b.call([&](api_thread& api) { send_all(api, out, {"for the first holder"}); });
  CHECK(a.call([](api_thread& api) { return receive_texts(api, 1, 5s); }) ==
        std::vector<std::string>{"for the first holder"});
}

TEST_CASE("kernel: a process name is free again once its thread has ended") {
  imchat::dispatcher dispatcher(1);
  {
    application_thread first(dispatcher);
    first.call([](api_thread& api) { api.create_queue("shared", scope::process); });
  }
  application_thread second(dispatcher);
  CHECK(second.call([](api_thread& api) {
    return thrown_error([&] { api.create_queue("shared", scope::process); });
  }).code() == std::error_code{});
}

TEST_CASE("kernel: a global name taken twice in one process is name_in_use and frees its port") {
  test_directory directory;
  simulated_process process(directory.address(), 2);
  process.app(0).call([&](api_thread& api) { api.create_queue("G", scope::global, "127.0.0.1", process.io()); });

  const auto port = imchat::test::free_tcp_port();
  const auto spec = "127.0.0.1:" + std::to_string(port);
  const auto again = process.app(1).call([&](api_thread& api) {
    return thrown_error([&] { api.create_queue("G", scope::global, spec, process.io()); });
  });
  CHECK(again.code() == imchat::wire::error::name_in_use);
  CHECK(contains(again.what(), "'G'"));
  // Nothing may be left listening on the port the refused object was given.
  CHECK(process.app(1).call([&](api_thread& api) {
    return thrown_error([&] { api.create_queue("H", scope::global, spec, process.io()); });
  }).code() == std::error_code{});
}

TEST_CASE("kernel: a global name taken by another process is name_in_use naming the holder") {
  test_directory directory;
  simulated_process holder(directory.address()), latecomer(directory.address());
  holder.app().call([&](api_thread& api) { api.create_exchange("E_cheese", scope::global, "127.0.0.1", holder.io()); });

  const auto port = imchat::test::free_tcp_port();
  const auto spec = "127.0.0.1:" + std::to_string(port);
  const auto again = latecomer.app().call([&](api_thread& api) {
    return thrown_error([&] { api.create_exchange("E_cheese", scope::global, spec, latecomer.io()); });
  });
  CHECK(again.code() == imchat::wire::error::name_in_use);
  INFO(again.what());
  CHECK(contains(again.what(), "E_cheese"));
  CHECK(contains(again.what(), "127.0.0.1:"));  // the holder, as the directory saw it

  // The refused object left nothing behind: neither its port nor its name in the process.
  CHECK(latecomer.app().call([&](api_thread& api) {
    return thrown_error([&] { api.create_queue("Q_other", scope::global, spec, latecomer.io()); });
  }).code() == std::error_code{});
  CHECK(latecomer.app().call([&](api_thread& api) {
    return thrown_error([&] { api.create_queue("E_cheese", scope::process); });
  }).code() == std::error_code{});
}

}  // TEST_SUITE
