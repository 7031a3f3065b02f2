// framed_connection with keys (net/tls_context.hpp), over real sockets on loopback: the
// same key carries frames both ways, large and small, with reading paused and resumed;
// two keys, or a key on one side only, fail with the key error each side must report
// (and ERROR key_required, in plaintext, for a plaintext peer of a keyed side); a keyed
// side turns away bytes that are neither TLS nor an imchat greeting, and a peer that
// never finishes the handshake.

#include "net/tls_context.hpp"
#include "net/tls_error.hpp"
#include "support/error_code_printing.hpp"
#include "support/raw_tcp_client.hpp"
#include "unit/kernel/loopback_connections.hpp"
#include "wire/body_writer.hpp"
#include "wire/error.hpp"
#include "wire/frame.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <doctest/doctest.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace imchat::net {
namespace {

using namespace std::chrono_literals;
using test::connect_loopback;
using test::run_until;

std::shared_ptr<tls_context> key_of(std::byte fill) {
  std::array<std::byte, key_bytes> bytes{};
  bytes.fill(fill);
  return tls_context::create(secret_key(bytes));
}

// What one end received and how it closed.
struct observed {
  std::vector<std::string> bodies;
  std::optional<std::error_code> closed;
  std::string detail;

  void watch(framed_connection& connection) {
    connection.on_frame = [this](wire::frame_view frame) { bodies.emplace_back(wire::as_text(frame.body)); };
    connection.on_closed = [this](std::error_code ec, const std::string& why) {
      closed = ec;
      detail = why;
    };
  }
};

void send_message(framed_connection& connection, const std::string& text) {
  connection.send_with(
      [&](wire::bytes& out) { wire::append_frame(out, wire::frame_type::message, wire::as_bytes(text)); });
}

}  // namespace

TEST_SUITE("net: keys") {

TEST_CASE("the same key on both ends carries encrypted frames both ways large and small") {
  boost::asio::io_context io;
  const auto key = key_of(std::byte{0x42});
  auto ends = connect_loopback(io, key, key);
  observed object, peer;
  object.watch(*ends.object);
  peer.watch(*ends.peer);
  ends.start();
  REQUIRE(run_until(io, [&] { return ends.object->ready() && ends.peer->ready(); }));
  CHECK(ends.object->encrypted());
  CHECK(ends.peer->encrypted());

  const std::string large(300'000, 'x');  // many TLS records, many reads
  send_message(*ends.peer, large);
  for (int i = 0; i < 1000; ++i) send_message(*ends.peer, "small " + std::to_string(i));
  send_message(*ends.object, "back");
  REQUIRE(run_until(io, [&] { return object.bodies.size() == 1001 && peer.bodies.size() == 1; }));
  CHECK(object.bodies.front() == large);
  CHECK(object.bodies.back() == "small 999");
  CHECK(peer.bodies.front() == "back");
}

TEST_CASE("reading paused over TLS holds frames back and resuming delivers them in order") {
  boost::asio::io_context io;
  const auto key = key_of(std::byte{7});
  auto ends = connect_loopback(io, key, key);
  observed object, peer;
  peer.watch(*ends.peer);
  object.watch(*ends.object);
  ends.object->on_frame = [&](wire::frame_view frame) {
    object.bodies.emplace_back(wire::as_text(frame.body));
    if (object.bodies.size() == 3) ends.object->pause_reading();
  };
  ends.start();
  REQUIRE(run_until(io, [&] { return ends.object->ready() && ends.peer->ready(); }));
  for (int i = 0; i < 50; ++i) send_message(*ends.peer, std::to_string(i));
  REQUIRE(run_until(io, [&] { return object.bodies.size() == 3; }));
  test::run_for(io, 100ms);
  CHECK(object.bodies.size() == 3);
  ends.object->resume_reading();
  REQUIRE(run_until(io, [&] { return object.bodies.size() == 50; }));
  for (int i = 0; i < 50; ++i) CHECK(object.bodies[static_cast<std::size_t>(i)] == std::to_string(i));
}

TEST_CASE("two different keys fail the handshake on both ends with key_mismatch") {
  boost::asio::io_context io;
  auto ends = connect_loopback(io, key_of(std::byte{1}), key_of(std::byte{2}));
  observed object, peer;
  object.watch(*ends.object);
  peer.watch(*ends.peer);
  ends.start();
  REQUIRE(run_until(io, [&] { return object.closed && peer.closed; }));
  CHECK(*object.closed == tls_error::key_mismatch);
  CHECK(*peer.closed == tls_error::key_mismatch);
  CHECK(is_key_error(*peer.closed));
  CHECK(object.bodies.empty());
  CHECK_FALSE(ends.peer->ready());
}

TEST_CASE("a plaintext peer of a keyed side is told key_required in plaintext and learns nothing else") {
  boost::asio::io_context io;
  auto ends = connect_loopback(io, key_of(std::byte{3}), nullptr);
  observed object, peer;
  object.watch(*ends.object);
  peer.watch(*ends.peer);
  ends.start();
  REQUIRE(run_until(io, [&] { return object.closed && peer.closed; }));
  CHECK(*peer.closed == wire::error::key_required);
  CHECK(*object.closed == wire::error::key_required);
  CHECK(is_key_error(*peer.closed));
  CHECK_FALSE(ends.object->ready());
}

TEST_CASE("a keyed peer of a plaintext side says the side has no key and the side says the peer has one") {
  boost::asio::io_context io;
  auto ends = connect_loopback(io, nullptr, key_of(std::byte{4}));
  observed object, peer;
  object.watch(*ends.object);
  peer.watch(*ends.peer);
  ends.start();
  REQUIRE(run_until(io, [&] { return object.closed && peer.closed; }));
  CHECK(*peer.closed == tls_error::peer_without_key);
  CHECK(*object.closed == tls_error::peer_with_key);
}

TEST_CASE("a keyed side closes on bytes that are neither TLS nor a greeting and on a handshake left unfinished") {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  const auto key = key_of(std::byte{5});
  const auto accept_one = [&] {
    auto connection = framed_connection::create(
        acceptor.accept(), {.self = wire::role::kernel_object, .expected_peer = wire::role::kernel_peer,
                            .handshake_timeout = 300ms, .tls = key});
    auto seen = std::make_shared<observed>();
    seen->watch(*connection);
    connection->start();
    return std::pair(connection, seen);
  };

  test::raw_tcp_client http(port);
  // Not structured bindings: clang before 16 cannot capture them in a lambda.
  const auto web = accept_one();
  const auto web_seen = web.second;
  REQUIRE(http.send_bytes("GET / HTTP/1.0\r\n\r\n"));
  REQUIRE(run_until(io, [&] { return web_seen->closed.has_value(); }));
  CHECK(*web_seen->closed == wire::error::bad_magic);
  CHECK(http.wait_closed());
  CHECK(http.receive_some(10ms).empty());  // not even a greeting

  test::raw_tcp_client stalled(port);
  const auto slow = accept_one();
  const auto slow_seen = slow.second;
  REQUIRE(stalled.send_bytes(std::string("\x16\x03\x01", 3)));  // a record that never ends
  REQUIRE(run_until(io, [&] { return slow_seen->closed.has_value(); }, 5s));
  CHECK(*slow_seen->closed == wire::error::handshake_timeout);
  CHECK(stalled.wait_closed());
}

}  // TEST_SUITE

}  // namespace imchat::net
