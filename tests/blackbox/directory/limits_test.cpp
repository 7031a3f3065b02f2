// The directory's limits (docs/wire-protocol.md §5) against the real `imchat server`:
// connections, names per connection, and running out of file descriptors. A client past
// a limit is refused with a reason; everyone else goes on being served.

#include "support/eventually.hpp"
#include "blackbox/directory/running_directory.hpp"
#include "blackbox/directory/still_serving.hpp"
#include "blackbox/directory/wire_client.hpp"
#include "wire/error.hpp"

#include "support/connection_flood.hpp"
#include "support/sanitizers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <thread>

using namespace std::chrono_literals;
using imchat::test::directory_wire_client;
using imchat::test::reply_as;
using imchat::test::running_directory;
using imchat::wire::error;
using imchat::wire::frame_type;
using imchat::wire::object_kind;

namespace {

std::size_t count_of(std::string_view text, std::string_view part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string_view::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

// Whether a greeted client that asks for a list gets it.
bool answered(directory_wire_client& client) {
  return client.send_request(imchat::wire::list_request{1, ""}) &&
         reply_as<imchat::wire::records_reply>(client.receive_frame(), frame_type::records).has_value();
}

// Whether a new client is greeted and answered.
bool served(directory_wire_client& client) { return client.greet() && answered(client); }

// The sanitizers' own checks need file descriptors: UBSan's check of a virtual call opens
// a pipe to see whether memory is readable, and without one reports the call as invalid.
// A server run out of descriptors on purpose cannot be checked that way.
using imchat::test::sanitized_build;

}  // namespace

TEST_SUITE("directory") {

TEST_CASE("a client over --max-connections gets limit_exceeded and the others go on") {
  running_directory server({.extra_args = {"--max-connections", "3"}});
  INFO("directory log:\n" << server.log());
  std::vector<std::unique_ptr<directory_wire_client>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<directory_wire_client>(server.port()));
    REQUIRE(served(*clients.back()));
  }

  directory_wire_client refused(server.port());
  CHECK(refused.socket().receive_exactly(8) == imchat::test::server_greeting());
  const auto why = refused.receive_error();
  REQUIRE(why.has_value());
  CHECK(why->code == static_cast<std::uint16_t>(error::limit_exceeded));
  CHECK(why->message == "too many connections (3 open)");
  CHECK(refused.socket().wait_closed());
  CHECK(server.wait_for_log("directory: refused 127.0.0.1:"));
  CHECK(server.wait_for_log(": too many connections (3 open)"));
  CHECK(answered(*clients.front()));  // the three are unaffected

  // Room for one more once one leaves.
  clients.pop_back();
  CHECK(imchat::test::eventually([&] {
    directory_wire_client next(server.port());
    return served(next);
  }));
  clients.clear();
  imchat::test::check_still_serving(server);
}

TEST_CASE("past --max-connections-per-host one host is refused while the others are served") {
  running_directory server({.extra_args = {"--max-connections-per-host", "5"}});
  INFO("directory log:\n" << server.log());
  // From 127.0.0.2: five are served, the sixth is told why.
  imchat::test::connection_flood host("127.0.0.2", server.port(), 6, imchat::test::client_greeting());
  const auto& replies = host.receive(SIZE_MAX, 1500ms);
  std::size_t refused = 0;
  for (const auto& reply : replies) {
    CHECK(reply.starts_with(imchat::test::server_greeting()));
    if (const auto why = imchat::test::first_error(reply)) {
      ++refused;
      CHECK(why->code == static_cast<std::uint16_t>(error::limit_exceeded));
      CHECK(why->message == "too many connections from 127.0.0.2 (5 open)");
    }
  }
  CHECK(refused == 1);
  // 127.0.0.1 is another host, served as if 127.0.0.2 were not there.
  std::vector<std::unique_ptr<directory_wire_client>> clients;
  for (int i = 0; i < 2; ++i) {
    clients.push_back(std::make_unique<directory_wire_client>(server.port()));
    CHECK(served(*clients.back()));
  }
  imchat::test::check_still_serving(server);
}

TEST_CASE("past --max-names-per-host a host's connections are refused names and other hosts are not") {
  running_directory server({.extra_args = {"--max-names-per-host", "1500"}});
  INFO("directory log:\n" << server.log());
  // Two connections of 127.0.0.1 ask for 1,000 names each: 1,500 are granted in all.
  std::size_t granted = 0, refused = 0;
  std::vector<std::unique_ptr<directory_wire_client>> clients;
  for (std::uint32_t c = 0; c < 2; ++c) {
    auto& client = *clients.emplace_back(std::make_unique<directory_wire_client>(server.port()));
    REQUIRE(client.greet());
    std::string requests;
    for (std::uint32_t i = 0; i < 1000; ++i)
      requests += imchat::test::encoded(imchat::wire::register_request{
          i, object_kind::queue, "Q_" + std::to_string(c) + "_" + std::to_string(i), {"127.0.0.1:1"}});
    REQUIRE(client.send(requests));
    for (std::uint32_t i = 0; i < 1000; ++i) {
      const auto reply = client.receive_frame();
      REQUIRE(reply.has_value());
      if (reply->type == frame_type::ok) {
        ++granted;
      } else {
        const auto fail = reply_as<imchat::wire::fail_reply>(reply, frame_type::fail);
        REQUIRE(fail.has_value());
        CHECK(fail->code == static_cast<std::uint16_t>(error::limit_exceeded));
        CHECK(fail->message == "this host (127.0.0.1) already holds 1500 names, the most one host may hold");
        ++refused;
      }
    }
  }
  CHECK(granted == 1500);
  CHECK(refused == 500);
  // 127.0.0.2 is another host.
  imchat::test::connection_flood other("127.0.0.2", server.port(), 1,
                                       imchat::test::client_greeting() +
                                           imchat::test::encoded(imchat::wire::register_request{
                                               7, object_kind::queue, "Q_elsewhere", {"127.0.0.2:1"}}));
  bool ok = false;
  CHECK(imchat::test::eventually([&] {
    const auto frames = imchat::test::frames_in(other.receive(SIZE_MAX, 100ms).front());
    ok = std::any_of(frames.begin(), frames.end(), [](const auto& frame) { return frame.type == frame_type::ok; });
    return ok;
  }));
  // A connection's names freed count no more: its host may register again.
  clients.clear();
  CHECK(imchat::test::eventually([&] {
    directory_wire_client again(server.port());
    if (!again.greet() ||
        !again.send_request(imchat::wire::register_request{1, object_kind::queue, "Q_again", {"127.0.0.1:1"}}))
      return false;
    return reply_as<imchat::wire::ok_reply>(again.receive_frame(), frame_type::ok).has_value();
  }));
}

TEST_CASE("a connection holding 1024 names gets limit_exceeded for one more and goes on") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  directory_wire_client greedy(server.port());
  REQUIRE(greedy.greet());
  std::string requests;
  for (std::uint32_t i = 0; i <= 1024; ++i)
    requests += imchat::test::encoded(
        imchat::wire::register_request{i, object_kind::queue, "Q_" + std::to_string(i), {"127.0.0.1:1"}});
  CHECK(greedy.send(requests));

  std::size_t accepted = 0;
  for (std::uint32_t i = 0; i < 1024; ++i) {
    const auto ok = reply_as<imchat::wire::ok_reply>(greedy.receive_frame(), frame_type::ok);
    if (ok && ok->request == i) ++accepted;
  }
  CHECK(accepted == 1024);
  const auto over = reply_as<imchat::wire::fail_reply>(greedy.receive_frame(), frame_type::fail);
  REQUIRE(over.has_value());
  CHECK(over->request == 1024);
  CHECK(over->code == static_cast<std::uint16_t>(error::limit_exceeded));
  CHECK(over->message.find("1024 names") != std::string::npos);

  // Still connected and answered: a FAIL refuses one request, not the client.
  CHECK(greedy.send_request(imchat::wire::lookup_request{2000, "Q_1023"}));
  const auto found = reply_as<imchat::wire::record_reply>(greedy.receive_frame(), frame_type::record);
  REQUIRE(found.has_value());
  CHECK(found->record.name == "Q_1023");
  imchat::test::check_still_serving(server);
}

TEST_CASE("out of file descriptors the directory pauses accepting and then serves again" *
          doctest::skip(sanitized_build)) {
  // Few descriptors, so that some clients beyond a dozen make accept() fail with EMFILE.
  running_directory server({.open_file_limit = 20});
  INFO("directory log:\n" << server.log());
  std::vector<std::unique_ptr<directory_wire_client>> clients;
  for (int i = 0; i < 30; ++i) {
    clients.push_back(std::make_unique<directory_wire_client>(server.port()));  // queued by the kernel
    clients.back()->send(imchat::test::client_greeting());
  }
  REQUIRE(server.wait_for_log("accept failed: Too many open files"));
  // A server that retried at once would be spinning now, logging every failure.
  std::this_thread::sleep_for(300ms);
  CHECK(count_of(server.log(), "accept failed") == 1);
  CHECK(server.running());

  clients.clear();  // descriptors come back as the server sees these close
  CHECK(server.wait_for_log("accepting connections again"));
  imchat::test::check_still_serving(server);
}

}  // TEST_SUITE
