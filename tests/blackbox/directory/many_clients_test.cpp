// Many clients at once against the real `imchat server`: each registers a name and looks
// up another client's, all connections open together, several test threads driving them.

#include "support/eventually.hpp"
#include "blackbox/directory/running_directory.hpp"
#include "blackbox/directory/still_serving.hpp"
#include "blackbox/directory/wire_client.hpp"
#include "directory/locator.hpp"

#include <doctest/doctest.h>

#include <barrier>
#include <memory>
#include <set>
#include <thread>

using imchat::test::directory_wire_client;
using imchat::test::reply_as;
using imchat::test::running_directory;
using imchat::wire::frame_type;
using imchat::wire::object_kind;

namespace {

constexpr std::size_t client_count = 200;
constexpr std::size_t thread_count = 4;

std::string name_of(std::size_t client) { return "Q_client_" + std::to_string(client); }
std::string endpoint_of(std::size_t client) { return "127.0.0.1:" + std::to_string(20000 + client); }

// One test thread's share of the clients, still connected, and what went wrong with them
// (doctest's REQUIRE would end the test thread, not the test).
struct client_group {
  std::vector<std::unique_ptr<directory_wire_client>> clients;
  std::vector<std::string> problems;
};

// Runs clients [first, last): connect and greet, register, wait for every thread to have
// registered, look up the next client's name.
client_group run_clients(std::uint16_t port, std::size_t first, std::size_t last, std::barrier<>& all_registered) {
  client_group group;
  auto& [clients, problems] = group;
  const auto problem = [&](std::size_t client, std::string what) {
    problems.push_back("client " + std::to_string(client) + ": " + std::move(what));
  };

  // Every request is sent before any reply is read, so that the server has all of this
  // thread's connections busy at once.
  try {
    for (std::size_t i = first; i < last; ++i) {
      auto& client = clients.emplace_back(std::make_unique<directory_wire_client>(port));
      client->send(imchat::test::client_greeting());
      client->send_request(imchat::wire::register_request{static_cast<std::uint32_t>(i), object_kind::queue,
                                                          name_of(i), {endpoint_of(i)}});
    }
    for (std::size_t i = first; i < last; ++i) {
      auto& client = *clients[i - first];
      if (client.socket().receive_exactly(8) != imchat::test::server_greeting()) problem(i, "no greeting");
      const auto ok = reply_as<imchat::wire::ok_reply>(client.receive_frame(), frame_type::ok);
      if (!ok || ok->request != i) problem(i, "REGISTER not answered OK");
    }
  } catch (const std::exception& e) {
    problems.push_back(std::string("registering: ") + e.what());
  }

  all_registered.arrive_and_wait();  // even after a failure: the other threads wait here
  if (clients.size() != last - first) return group;

  for (std::size_t i = first; i < last; ++i) {
    const std::size_t other = (i + 1) % client_count;  // often another thread's client
    clients[i - first]->send_request(imchat::wire::lookup_request{static_cast<std::uint32_t>(i), name_of(other)});
  }
  for (std::size_t i = first; i < last; ++i) {
    const std::size_t other = (i + 1) % client_count;
    const auto found = reply_as<imchat::wire::record_reply>(clients[i - first]->receive_frame(), frame_type::record);
    if (!found)
      problem(i, "LOOKUP not answered with a RECORD");
    else if (found->request != i || found->record.name != name_of(other) ||
             found->record.endpoints != std::vector<std::string>{endpoint_of(other)} ||
             !found->record.owner.starts_with("127.0.0.1:"))
      problem(i, "wrong RECORD for " + name_of(other) + ": " + found->record.name);
  }
  return group;
}

}  // namespace

TEST_SUITE("directory") {

TEST_CASE("200 concurrent clients registering and looking up are all answered correctly") {
  running_directory server;
  INFO("directory log:\n" << server.log());

  std::barrier all_registered(static_cast<std::ptrdiff_t>(thread_count));
  std::vector<client_group> groups(thread_count);
  {
    std::vector<std::jthread> threads;
    for (std::size_t t = 0; t < thread_count; ++t)
      threads.emplace_back([&, t] {
        const std::size_t share = client_count / thread_count;
        groups[t] = run_clients(server.port(), t * share, (t + 1) * share, all_registered);
      });
  }
  for (const auto& group : groups)
    for (const auto& problem : group.problems) CHECK_MESSAGE(false, problem);

  // All 200 are in one listing, each with its owner: 200 different connections.
  imchat::directory::locator reader(server.address());
  const auto listed = reader.list("Q_client_");
  CHECK(listed.size() == client_count);
  std::set<std::string> owners;
  for (const auto& rec : listed) owners.insert(rec.owner);
  CHECK(owners.size() == client_count);

  // Once the clients close, their names are gone.
  groups.clear();
  CHECK(imchat::test::eventually([&] { return reader.list("Q_client_").empty(); }));
  imchat::test::check_still_serving(server);
}

}  // TEST_SUITE
