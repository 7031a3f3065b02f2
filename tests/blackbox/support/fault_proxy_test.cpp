// The fault proxy (tests/support/fault_proxy.hpp) between a raw client and a listener on
// loopback: it forwards faithfully until told otherwise, and then cuts, stalls, delays
// and refuses as it says.

#include "support/fault_proxy.hpp"
#include "support/loopback_listener.hpp"
#include "support/raw_tcp_client.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using imchat::test::fault_proxy;
using imchat::test::loopback_listener;
using imchat::test::raw_tcp_client;

namespace {

using steady = std::chrono::steady_clock;

// A client connected through `proxy` to `target`, and the target's end of it.
struct through_proxy {
  raw_tcp_client client;
  raw_tcp_client server;
};

through_proxy connect_through(fault_proxy& proxy, loopback_listener& target) {
  raw_tcp_client client(proxy.port());
  raw_tcp_client server(target.accept());
  return {std::move(client), std::move(server)};
}

}  // namespace

TEST_SUITE("support: fault_proxy") {

TEST_CASE("forwards bytes both ways and passes an end of stream on") {
  loopback_listener target;
  fault_proxy proxy(target.port());
  auto [client, server] = connect_through(proxy, target);
  CHECK(proxy.open_connections() == 1);
  CHECK(proxy.accepted_connections() == 1);

  CHECK(client.send_bytes(std::string("hello\0world", 11)));
  CHECK(server.receive_exactly(11) == std::string("hello\0world", 11));
  CHECK(server.send_bytes("and back"));
  CHECK(client.receive_exactly(8) == "and back");

  client.shutdown_sending();
  CHECK(server.wait_closed());
  CHECK(server.send_bytes("last words"));  // half-closed: the other way still works
  CHECK(client.receive_exactly(10) == "last words");
}

TEST_CASE("a stall silences both directions without closing - and unstall delivers what was held") {
  loopback_listener target;
  fault_proxy proxy(target.port());
  auto [client, server] = connect_through(proxy, target);
  CHECK(client.send_bytes("before"));
  CHECK(server.receive_exactly(6) == "before");

  proxy.stall();
  CHECK(client.send_bytes("up"));
  CHECK(server.send_bytes("down"));
  CHECK(server.receive_some(500ms).empty());
  CHECK(client.receive_some(0ms).empty());
  CHECK(proxy.open_connections() == 1);

  proxy.unstall();
  CHECK(server.receive_exactly(2) == "up");
  CHECK(client.receive_exactly(4) == "down");
}

TEST_CASE("a cut resets every connection and the next one is forwarded") {
  loopback_listener target;
  fault_proxy proxy(target.port());
  auto first = connect_through(proxy, target);
  auto second = connect_through(proxy, target);
  CHECK(first.client.send_bytes("x"));
  CHECK(first.server.receive_exactly(1) == "x");
  CHECK(proxy.open_connections() == 2);

  proxy.cut();
  CHECK(proxy.open_connections() == 0);
  for (auto* end : {&first.client, &first.server, &second.client, &second.server}) CHECK(end->wait_closed());

  auto third = connect_through(proxy, target);
  CHECK(third.client.send_bytes("again"));
  CHECK(third.server.receive_exactly(5) == "again");
  CHECK(proxy.accepted_connections() == 3);
}

TEST_CASE("a delay holds each chunk back for that long and keeps the order") {
  loopback_listener target;
  fault_proxy proxy(target.port());
  auto [client, server] = connect_through(proxy, target);
  proxy.set_delay(300ms);
  const auto sent = steady::now();
  CHECK(client.send_bytes("one "));
  CHECK(client.send_bytes("two "));
  CHECK(client.send_bytes("three"));
  CHECK(server.receive_exactly(13) == "one two three");
  CHECK(steady::now() - sent >= 250ms);

  proxy.set_delay(0ms);
  CHECK(server.send_bytes("quick"));
  CHECK(client.receive_exactly(5) == "quick");
}

TEST_CASE("refusing closes new connections at once and leaves current ones alone") {
  loopback_listener target;
  fault_proxy proxy(target.port());
  auto [client, server] = connect_through(proxy, target);

  proxy.refuse(true);
  raw_tcp_client refused(proxy.port());
  CHECK(refused.wait_closed());
  CHECK(proxy.accepted_connections() == 2);
  CHECK(proxy.open_connections() == 1);
  CHECK(client.send_bytes("still here"));
  CHECK(server.receive_exactly(10) == "still here");

  proxy.refuse(false);
  auto next = connect_through(proxy, target);
  CHECK(next.client.send_bytes("welcome"));
  CHECK(next.server.receive_exactly(7) == "welcome");
}

TEST_CASE("the proxy closes its connections when it goes") {
  loopback_listener target;
  auto proxy = std::make_unique<fault_proxy>(target.port());
  auto [client, server] = connect_through(*proxy, target);
  proxy.reset();
  CHECK(client.wait_closed());
  CHECK(server.wait_closed());
}

}  // TEST_SUITE
