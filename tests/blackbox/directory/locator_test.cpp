// The locator library class against a directory that is down, silent, or restarted: its
// blocking calls wait at most their timeout and say why they gave up; what it asked for
// while the directory was away is answered once it is back, and the names it holds are
// registered again by themselves.

#include "support/eventually.hpp"
#include "blackbox/directory/running_directory.hpp"
#include "blackbox/directory/still_serving.hpp"
#include "support/thrown_error.hpp"
#include "blackbox/directory/wire_client.hpp"
#include "directory/locator.hpp"
#include "support/error_code_printing.hpp"
#include "support/tcp_ports.hpp"
#include "support/unique_fd.hpp"
#include "wire/error.hpp"

#include <doctest/doctest.h>

#include <poll.h>
#include <sys/socket.h>

#include <csignal>
#include <future>
#include <thread>

using namespace std::chrono_literals;
using imchat::directory::locator;
using imchat::test::eventually;
using imchat::test::exit_status;
using imchat::test::running_directory;
using imchat::test::thrown_error;
using imchat::wire::object_kind;

namespace {

using clock_type = std::chrono::steady_clock;

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

}  // namespace

TEST_SUITE("directory") {

TEST_CASE("a locator call while the directory is down times out with a clear timed_out error") {
  const auto port = imchat::test::free_tcp_port();
  const std::string address = "127.0.0.1:" + std::to_string(port);
  locator client(address);

  const auto start = clock_type::now();
  const auto lookup_error = thrown_error([&] { client.lookup("Q_cheese", 300ms); });
  const auto waited = clock_type::now() - start;
  INFO("message: " << lookup_error.what());
  CHECK(lookup_error.code() == std::errc::timed_out);
  CHECK(contains(lookup_error.what(), "cannot reach the directory at " + address));
  CHECK(contains(lookup_error.what(), "refused"));  // and why, as far as it knows
  CHECK(waited >= 300ms);                           // it did wait
  CHECK(waited < 3s);                               // but no longer than it was told

  CHECK(thrown_error([&] { client.list("", 100ms); }).code() == std::errc::timed_out);
  CHECK(thrown_error([&] { client.register_object(object_kind::queue, "Q_x", {"127.0.0.1:1"}, 100ms); }).code() ==
        std::errc::timed_out);
  CHECK_FALSE(client.connected());
}

TEST_CASE("a locator call made while the directory is down is answered once it starts") {
  const auto port = imchat::test::free_tcp_port();
  locator client("127.0.0.1:" + std::to_string(port));
  auto registered = std::async(std::launch::async, [&] {
    client.register_object(object_kind::queue, "Q_early", {"127.0.0.1:1"}, 10s);
  });
  auto looked_up = std::async(std::launch::async, [&] { return client.lookup("Q_nobody", 10s); });
  // Both are waiting for the directory, not failed.
  CHECK(looked_up.wait_for(200ms) == std::future_status::timeout);

  running_directory server({.port = port});
  INFO("directory log:\n" << server.log());
  CHECK_NOTHROW(registered.get());
  CHECK_FALSE(looked_up.get().has_value());
  CHECK(locator(server.address()).lookup("Q_early").has_value());
}

TEST_CASE("a locator call to a directory that does not answer says so when it times out") {
  // A listener that greets as the directory and then reads nothing: the connection is up,
  // the request goes unanswered.
  const auto port = imchat::test::free_tcp_port();
  imchat::test::unique_fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_in address = imchat::test::loopback_address(port);
  REQUIRE(::bind(listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener.get(), 4) == 0);

  locator client("127.0.0.1:" + std::to_string(port));
  pollfd incoming{listener.get(), POLLIN, 0};
  REQUIRE(::poll(&incoming, 1, static_cast<int>(imchat::test::default_timeout.count())) == 1);
  imchat::test::unique_fd accepted(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  REQUIRE(accepted);
  const auto greeting = imchat::test::server_greeting();
  REQUIRE(::send(accepted.get(), greeting.data(), greeting.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(greeting.size()));
  REQUIRE(client.wait_connected(5s));

  const auto start = clock_type::now();
  const auto silence = thrown_error([&] { client.lookup("Q_cheese", 300ms); });
  INFO("message: " << silence.what());
  CHECK(silence.code() == std::errc::timed_out);
  CHECK(contains(silence.what(), "did not answer in time"));
  CHECK(clock_type::now() - start < 3s);
}

TEST_CASE("after a directory restart a locator registers its names again by itself") {
  std::optional<running_directory> first(std::in_place);
  const auto port = first->port();
  locator holder(first->address());
  holder.register_object(object_kind::queue, "Q_phoenix", {"127.0.0.1:7000"});
  holder.register_object(object_kind::exchange, "E_phoenix", {"127.0.0.1:7001"});
  REQUIRE(locator(first->address()).lookup("Q_phoenix").has_value());

  REQUIRE(first->process().send_signal(SIGKILL));
  REQUIRE(first->process().wait_exit() == exit_status::killed_by(SIGKILL));
  first.reset();
  CHECK(eventually([&] { return !holder.connected(); }));

  running_directory second({.port = port});
  INFO("new directory's log:\n" << second.log());
  const auto restarted = clock_type::now();
  locator finder(second.address());
  CHECK(eventually([&] { return finder.lookup("Q_phoenix").has_value(); }, 5s));
  CHECK(clock_type::now() - restarted < 5s);
  const auto queue = finder.lookup("Q_phoenix");
  REQUIRE(queue.has_value());
  CHECK(queue->kind == object_kind::queue);
  CHECK(queue->endpoints == std::vector<std::string>{"127.0.0.1:7000"});
  const auto exchange = finder.lookup("E_phoenix");
  REQUIRE(exchange.has_value());
  CHECK(exchange->endpoints == std::vector<std::string>{"127.0.0.1:7001"});
  CHECK(exchange->owner == queue->owner);  // both on the holder's new connection

  // The holder still owns them: it can free them, and nobody else can take them meanwhile.
  locator rival(second.address());
  CHECK(thrown_error([&] { rival.register_object(object_kind::queue, "Q_phoenix", {"127.0.0.1:1"}); }).code() ==
        imchat::wire::error::name_in_use);
  holder.unregister_object("Q_phoenix");
  CHECK_FALSE(finder.lookup("Q_phoenix").has_value());
  imchat::test::check_still_serving(second);
}

TEST_CASE("a locator whose name was taken while it was away keeps asking until it has it back") {
  std::optional<running_directory> first(std::in_place);
  const auto port = first->port();
  // Slow to reconnect, so that the squatter gets in first; quick to retry the lost name.
  locator holder(first->address(), {.reconnect_min = 3000ms, .reconnect_max = 3000ms,
                                    .reclaim_min = 200ms, .reclaim_max = 400ms});
  holder.register_object(object_kind::queue, "Q_taken", {"127.0.0.1:7000"});
  REQUIRE(first->process().send_signal(SIGKILL));
  REQUIRE(first->process().wait_exit() == exit_status::killed_by(SIGKILL));
  first.reset();
  CHECK(eventually([&] { return !holder.connected(); }));

  running_directory second({.port = port});
  INFO("new directory's log:\n" << second.log());
  std::optional<locator> squatter(std::in_place, second.address());
  squatter->register_object(object_kind::queue, "Q_taken", {"127.0.0.1:1"});
  REQUIRE(holder.wait_connected(10s));
  CHECK(eventually([&] { return !holder.lost_names().empty(); }, 10s));
  const auto lost = holder.lost_names();
  REQUIRE(lost.size() == 1);
  CHECK(lost.front().name == "Q_taken");
  CHECK(contains(lost.front().why, "is held by"));
  locator finder(second.address());
  std::this_thread::sleep_for(1s);  // several attempts, all refused
  CHECK(finder.lookup("Q_taken")->endpoints == std::vector<std::string>{"127.0.0.1:1"});

  squatter.reset();  // its connection closes: the directory frees the name
  CHECK(eventually([&] { return holder.lost_names().empty(); }, 5s));
  const auto back = finder.lookup("Q_taken");
  REQUIRE(back.has_value());
  CHECK(back->endpoints == std::vector<std::string>{"127.0.0.1:7000"});
  // Held again as before: the holder can free it.
  holder.unregister_object("Q_taken");
  CHECK_FALSE(finder.lookup("Q_taken").has_value());
}

}  // TEST_SUITE
