// A client that sends requests and does not read the replies, against the real `imchat
// server`: the directory stops reading from it instead of queueing replies without end,
// serves everyone else meanwhile, and answers every request in order once it reads.

#include "blackbox/directory/running_directory.hpp"
#include "blackbox/directory/still_serving.hpp"
#include "blackbox/directory/wire_client.hpp"
#include "directory/locator.hpp"

#include "bench/process_memory.hpp"
#include "support/sanitizers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <vector>

using namespace std::chrono_literals;
using imchat::bench::resident_kib;
using imchat::test::directory_wire_client;
using imchat::test::reply_as;
using imchat::test::running_directory;
using imchat::wire::frame_type;
using imchat::wire::object_kind;

namespace {

constexpr std::size_t name_count = 100;
constexpr std::size_t name_size = 1000;  // so that each listing is about 100 KB

// The names these tests list, and not the ones check_still_serving registers meanwhile.
std::string big_name(std::size_t number) {
  auto name = "Q_big_" + std::to_string(number);
  name.resize(name_size, 'x');
  return name;
}

std::string list_requests(std::uint32_t first, std::uint32_t count) {
  std::string requests;
  for (std::uint32_t i = first; i < first + count; ++i)
    requests += imchat::test::encoded(imchat::wire::list_request{i, "Q_big_"});
  return requests;
}

}  // namespace

TEST_SUITE("directory") {

TEST_CASE("a client that does not read its replies is paused and then answered in order") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  imchat::directory::locator holder(server.address());
  for (std::size_t i = 0; i < name_count; ++i) holder.register_object(object_kind::queue, big_name(i), {"127.0.0.1:1"});

  directory_wire_client reader(server.port());
  REQUIRE(reader.greet());
  // About 6 MB of replies, many times what the directory queues for one client: it has to
  // stop reading these requests part way and take up the rest later.
  constexpr std::uint32_t request_count = 60;
  CHECK(reader.send(list_requests(0, request_count)));

  // Paused, this client holds up nobody else.
  imchat::test::check_still_serving(server);

  for (std::uint32_t i = 0; i < request_count; ++i) {
    CAPTURE(i);
    const auto listed = reply_as<imchat::wire::records_reply>(reader.receive_frame(), frame_type::records);
    REQUIRE(listed.has_value());
    CHECK(listed->request == i);
    CHECK(listed->last);
    CHECK(listed->records.size() == name_count);
  }
  // And nothing more: no other frame, nor a part of one (heartbeats may come, when the
  // test is slow, and are not replies).
  CHECK_FALSE(reader.receive_frame(100ms).has_value());
  CHECK(reader.socket().receive_some(0ms).empty());
}

TEST_CASE("a client that never reads its replies does not make the directory grow") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  imchat::directory::locator holder(server.address());
  for (std::size_t i = 0; i < name_count; ++i) holder.register_object(object_kind::queue, big_name(i), {"127.0.0.1:1"});
  const auto before = resident_kib(server.process().pid());
  REQUIRE(before);
  REQUIRE(*before > 0);

  // Requests for as long as the directory takes them, for a second: if it kept reading,
  // it would queue about 100 KB of replies for each 11-byte request.
  directory_wire_client flooder(server.port());
  REQUIRE(flooder.greet());
  const auto requests = list_requests(0, 1000);
  const imchat::test::deadline until(1s);
  while (!until.expired() && flooder.send(requests, 100ms)) {
  }
  // Served meanwhile (a directory busy queueing replies would not be, in time), and
  // still not grown once it has taken in everything it was sent.
  imchat::test::check_still_serving(server);
  const auto after = resident_kib(server.process().pid());
  REQUIRE(after);
  INFO("resident memory before: " << *before << " KiB, after: " << *after << " KiB");
  CHECK(*after < *before + 64 * 1024);
}

TEST_CASE("LIST replies of a large directory to clients that never read are made only as they read") {
  // 16,000 names of 1,000 bytes: a listing of about 16 MB, which eight clients asking
  // once each and never reading would make 130 MB if it were made whole.
  constexpr std::size_t holders = 16, names_each = 1000;
  running_directory server({.extra_args = {"--max-names-per-host", "100000"}});
  INFO("directory log:\n" << server.log());
  std::vector<std::unique_ptr<directory_wire_client>> registrants;
  for (std::size_t h = 0; h < holders; ++h) {
    auto& client = *registrants.emplace_back(std::make_unique<directory_wire_client>(server.port()));
    REQUIRE(client.greet());
    std::string requests;
    for (std::uint32_t i = 0; i < names_each; ++i)
      requests += imchat::test::encoded(imchat::wire::register_request{
          i, object_kind::queue, big_name(h * names_each + i), {"127.0.0.1:1"}});
    REQUIRE(client.send(requests, 30s));
    for (std::uint32_t i = 0; i < names_each; ++i)
      REQUIRE(reply_as<imchat::wire::ok_reply>(client.receive_frame(30s), frame_type::ok).has_value());
  }
  const auto before = resident_kib(server.process().pid());
  REQUIRE(before);

  std::vector<std::unique_ptr<directory_wire_client>> idle;
  for (int i = 0; i < 8; ++i) {
    auto& client = *idle.emplace_back(std::make_unique<directory_wire_client>(server.port()));
    REQUIRE(client.greet());
    REQUIRE(client.send(list_requests(0, 1)));
  }
  imchat::test::check_still_serving(server);
  const auto after = resident_kib(server.process().pid());
  REQUIRE(after);
  MESSAGE("directory resident memory: " << *before << " KiB, with eight unread listings " << *after << " KiB");
  if (!imchat::test::sanitized_build) CHECK(*after < *before + 40 * 1024);

  // One that reads gets every name, once, in order, the last frame marked last.
  auto& reader = *idle.front();
  std::vector<std::string> listed;
  for (;;) {
    const auto part = reply_as<imchat::wire::records_reply>(reader.receive_frame(30s), frame_type::records);
    REQUIRE(part.has_value());
    CHECK(part->request == 0);
    for (const auto& record : part->records) listed.push_back(record.name);
    if (part->last) break;
  }
  CHECK(listed.size() == holders * names_each);
  CHECK(std::is_sorted(listed.begin(), listed.end()));
  CHECK(std::adjacent_find(listed.begin(), listed.end()) == listed.end());
}

}  // TEST_SUITE
