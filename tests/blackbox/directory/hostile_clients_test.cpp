// Clients that break the protocol, against the real `imchat server`: garbage, oversized
// and unknown frames, bad greetings, half-sent frames, stalled handshakes, malformed
// bodies. Each must be answered as docs/wire-protocol.md says (the server's greeting, an
// ERROR frame where the peer can understand one, a close), logged with its reason, and
// leave the directory serving everyone else.

#include "support/eventually.hpp"
#include "blackbox/directory/running_directory.hpp"
#include "blackbox/directory/still_serving.hpp"
#include "blackbox/directory/wire_client.hpp"
#include "directory/locator.hpp"
#include "wire/body_writer.hpp"
#include "wire/error.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using imchat::test::directory_wire_client;
using imchat::test::frame_header;
using imchat::test::running_directory;
using imchat::wire::error;
using imchat::wire::frame_type;

namespace {

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// The server must hang up on the client: it reads end of file (or a reset) soon.
void check_disconnected(directory_wire_client& client) {
  CHECK(client.socket().wait_closed());
  CHECK(client.socket().receive_some(0ms).empty());  // and nothing after the close
}

// An ERROR frame with `code` arrives, and then the close.
void check_error_then_close(directory_wire_client& client, error code) {
  const auto received = client.receive_error();
  REQUIRE(received.has_value());
  INFO("ERROR message: " << received->message);
  CHECK(received->code == static_cast<std::uint16_t>(code));
  CHECK_FALSE(received->message.empty());
  check_disconnected(client);
}

// A REGISTER frame with `body` as is, for bodies the encoder would never produce.
std::string register_frame_with_body(std::string_view body) {
  return frame_header(static_cast<std::uint32_t>(body.size()), static_cast<std::uint8_t>(frame_type::register_name)) +
         std::string(body);
}

std::string str_field(std::string_view text) {
  return std::string{static_cast<char>(text.size() >> 8), static_cast<char>(text.size() & 0xFF)} + std::string(text);
}

}  // namespace

TEST_SUITE("directory") {

TEST_CASE("garbage instead of a greeting gets the server greeting and a close without ERROR") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  directory_wire_client client(server.port());
  CHECK(client.send("GET / HTTP/1.1\r\nHost: imchat\r\n\r\n"));
  // The server greets first, whoever connects; then, not speaking to an imchat peer, it
  // closes without a frame the peer could not understand anyway.
  CHECK(client.socket().receive_exactly(8) == imchat::test::server_greeting());
  check_disconnected(client);
  CHECK(server.wait_for_log("not an imchat peer (sent 'GET / HT')"));
  imchat::test::check_still_serving(server);
}

TEST_CASE("a wrong magic gets the server greeting and a close without ERROR") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  directory_wire_client client(server.port());
  CHECK(client.send(std::string("IMCHAX\x01\x01", 8)));
  CHECK(client.socket().receive_exactly(8) == imchat::test::server_greeting());
  check_disconnected(client);
  CHECK(server.wait_for_log("not an imchat peer (sent 'IMCHAX\\x01\\x01')"));
  imchat::test::check_still_serving(server);
}

TEST_CASE("a wrong version gets the server greeting and an ERROR naming both versions") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  directory_wire_client client(server.port());
  CHECK(client.send(std::string("IMCHAT\x03\x01", 8)));
  // The server's greeting carries its version, so the client can say what it reached.
  CHECK(client.socket().receive_exactly(8) == imchat::test::server_greeting());
  const auto received = client.receive_error();
  REQUIRE(received.has_value());
  CHECK(received->code == static_cast<std::uint16_t>(error::unsupported_version));
  CHECK(received->message == "peer speaks protocol version 3, this side speaks version 2");
  check_disconnected(client);
  CHECK(server.wait_for_log("unsupported_version: peer speaks protocol version 3"));
  imchat::test::check_still_serving(server);
}

TEST_CASE("a wrong role gets an ERROR bad_role and a close") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  for (const char role : {'\x02', '\x03', '\x04', '\x00', '\xff'}) {
    CAPTURE(static_cast<int>(static_cast<unsigned char>(role)));
    directory_wire_client client(server.port());
    CHECK(client.send(std::string("IMCHAT\x02", 7) + role));
    CHECK(client.socket().receive_exactly(8) == imchat::test::server_greeting());
    check_error_then_close(client, error::bad_role);
  }
  CHECK(server.wait_for_log("bad_role: expected a directory client, got role 3"));
  imchat::test::check_still_serving(server);
}

TEST_CASE("a client stalling in the handshake is disconnected after the handshake timeout") {
  running_directory server({.extra_args = {"--handshake-timeout", "0.5"}});
  INFO("directory log:\n" << server.log());
  const auto start = std::chrono::steady_clock::now();
  directory_wire_client silent(server.port());
  directory_wire_client halfway(server.port());
  CHECK(halfway.send("IMC"));  // a greeting that never ends

  // Meanwhile others are served: a stalled handshake blocks nobody.
  imchat::test::check_still_serving(server);

  for (auto* client : {&silent, &halfway}) {
    CHECK(client->socket().receive_exactly(8) == imchat::test::server_greeting());
    check_error_then_close(*client, error::handshake_timeout);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed >= 450ms);  // not before the timeout (give or take the clock's rounding)
  CHECK(elapsed < 5s);      // nor the default 5 s: the option was honoured
  CHECK(server.wait_for_log("handshake_timeout"));
  imchat::test::check_still_serving(server);
}

TEST_CASE("a 4 GiB length prefix after a valid greeting gets frame_too_large at once") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  directory_wire_client client(server.port());
  REQUIRE(client.greet());
  // Refused from the header alone: the server neither waits for 4 GiB nor allocates them.
  CHECK(client.send(frame_header(0xFFFF'FFFF, static_cast<std::uint8_t>(frame_type::register_name))));
  check_error_then_close(client, error::frame_too_large);
  CHECK(server.wait_for_log("frame exceeds the maximum frame size"));
  imchat::test::check_still_serving(server);
}

TEST_CASE("a frame one byte over --max-frame-size is refused and one at the limit is not") {
  running_directory server({.extra_args = {"--max-frame-size", "1024"}});
  INFO("directory log:\n" << server.log());
  directory_wire_client at_limit(server.port());
  REQUIRE(at_limit.greet());
  // A LIST with a prefix that makes the body exactly 1024 bytes: u32 request, str prefix.
  CHECK(at_limit.send_request(imchat::wire::list_request{1, std::string(1024 - 4 - 2, 'p')}));
  const auto listed = imchat::test::reply_as<imchat::wire::records_reply>(at_limit.receive_frame(), frame_type::records);
  REQUIRE(listed.has_value());
  CHECK(listed->request == 1);
  CHECK(listed->records.empty());

  directory_wire_client over_limit(server.port());
  REQUIRE(over_limit.greet());
  CHECK(over_limit.send_request(imchat::wire::list_request{1, std::string(1024 - 4 - 2 + 1, 'p')}));
  check_error_then_close(over_limit, error::frame_too_large);
  imchat::test::check_still_serving(server);
}

TEST_CASE("an unknown frame type gets unknown_frame_type") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  directory_wire_client client(server.port());
  REQUIRE(client.greet());
  CHECK(client.send(frame_header(3, 0x7F) + "abc"));
  check_error_then_close(client, error::unknown_frame_type);
  CHECK(server.wait_for_log("protocol error: unknown frame type"));
  imchat::test::check_still_serving(server);
}

TEST_CASE("a known frame the directory does not accept gets unexpected_frame") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  directory_wire_client client(server.port());
  REQUIRE(client.greet());
  CHECK(client.send_request(imchat::wire::ok_reply{1}));  // a reply, sent by a client
  check_error_then_close(client, error::unexpected_frame);
  CHECK(server.wait_for_log("unexpected OK frame"));
  imchat::test::check_still_serving(server);
}

TEST_CASE("malformed REGISTER bodies get an ERROR naming the fault") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  const std::string request_id("\0\0\0\x09", 4);
  const std::string queue_kind("\x02", 1);
  const std::string one_endpoint = std::string("\0\x01", 2) + str_field("127.0.0.1:1");
  struct example {
    std::string_view what;
    std::string body;
    error expected;
  };
  const example examples[] = {
      {"empty body", "", error::truncated_body},
      {"request id cut short", std::string("\0\0", 2), error::truncated_body},
      {"name longer than the body", request_id + queue_kind + std::string("\x10\x00", 2) + "Q_x",
       error::truncated_body},
      {"endpoint count with no endpoints", request_id + queue_kind + str_field("Q_x") + std::string("\0\x05", 2),
       error::truncated_body},
      {"kind 7", request_id + "\x07" + str_field("Q_x") + one_endpoint, error::bad_field_value},
      {"bytes after the last field", request_id + queue_kind + str_field("Q_x") + one_endpoint + "junk",
       error::trailing_bytes},
  };
  for (const auto& e : examples) {
    CAPTURE(e.what);
    directory_wire_client client(server.port());
    REQUIRE(client.greet());
    CHECK(client.send(register_frame_with_body(e.body)));
    check_error_then_close(client, e.expected);
  }
  CHECK(server.wait_for_log("malformed REGISTER frame: frame body ends inside a field"));
  CHECK(server.wait_for_log("malformed REGISTER frame: frame field holds an invalid value"));
  CHECK(server.wait_for_log("malformed REGISTER frame: frame body has bytes after its last field"));
  CHECK_FALSE(imchat::directory::locator(server.address()).lookup("Q_x").has_value());
  imchat::test::check_still_serving(server);
}

TEST_CASE("a half-sent frame then a close frees the client's names") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  {
    directory_wire_client client(server.port());
    REQUIRE(client.greet());
    CHECK(client.send_request(imchat::wire::register_request{1, imchat::wire::object_kind::queue, "Q_half",
                                                             {"127.0.0.1:1"}}));
    REQUIRE(imchat::test::reply_as<imchat::wire::ok_reply>(client.receive_frame(), frame_type::ok));
    // A header promising 100 bytes, and 10 of them.
    CHECK(client.send(frame_header(100, static_cast<std::uint8_t>(frame_type::lookup)) + std::string(10, 'x')));
    client.socket().shutdown_sending();
    CHECK(client.socket().wait_closed());
  }
  CHECK(server.wait_for_log("disconnected: connection closed in the middle of a frame"));
  CHECK(server.wait_for_log("freed 'Q_half'"));
  CHECK_FALSE(imchat::directory::locator(server.address()).lookup("Q_half").has_value());
  imchat::test::check_still_serving(server);
}

TEST_CASE("what a hostile client sends never reaches the log raw") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  const std::string forged = "evil\x1b[2J\n2099-01-01T00:00:00.000 info forged line";
  SUBCASE("in an ERROR frame") {
    directory_wire_client client(server.port());
    REQUIRE(client.greet());
    CHECK(client.send(imchat::test::encoded(imchat::wire::error_frame{9, forged})));
    CHECK(client.socket().wait_closed());
    CHECK(server.wait_for_log("evil\\x1b[2J\\x0a2099"));
  }
  SUBCASE("as a name to register") {
    directory_wire_client client(server.port());
    REQUIRE(client.greet());
    CHECK(client.send_request(imchat::wire::register_request{3, imchat::wire::object_kind::queue, forged,
                                                             {"127.0.0.1:1"}}));
    const auto refused = imchat::test::reply_as<imchat::wire::fail_reply>(client.receive_frame(), frame_type::fail);
    REQUIRE(refused.has_value());
    CHECK(refused->code == static_cast<std::uint16_t>(error::invalid_name));
    CHECK(server.wait_for_log("register 'evil\\x1b[2J\\x0a2099"));
  }
  SUBCASE("as a name to look up") {
    directory_wire_client client(server.port());
    REQUIRE(client.greet());
    CHECK(client.send_request(imchat::wire::lookup_request{4, forged}));
    const auto missing = imchat::test::reply_as<imchat::wire::fail_reply>(client.receive_frame(), frame_type::fail);
    REQUIRE(missing.has_value());
    CHECK(missing->code == static_cast<std::uint16_t>(error::not_found));
    // Echoed back escaped as well: the client may well print the message.
    CHECK(missing->message == "no global object named 'evil\\x1b[2J\\x0a2099-01-01T00:00:00.000 info forged line'");
  }
  CHECK_FALSE(contains(server.log(), "\x1b"));
  CHECK_FALSE(contains(server.log(), "\nforged"));
  CHECK_FALSE(contains(server.log(), "\n2099"));
  imchat::test::check_still_serving(server);
}

TEST_CASE("a 60000-byte name of 0xFF bytes in every request gets a well-formed reply cut to fit") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  const std::string huge(60'000, '\xFF');
  using namespace imchat::wire;
  directory_wire_client client(server.port());
  REQUIRE(client.greet());
  const auto check_refusal = [&](std::uint16_t code, bool quotes_the_name) {
    const auto refused = imchat::test::reply_as<fail_reply>(client.receive_frame(), frame_type::fail);
    REQUIRE(refused.has_value());
    CHECK(refused->code == code);
    // Quoted escaped and cut: never the raw bytes, and short enough for any field.
    CHECK(refused->message.size() < 4096);
    CHECK_FALSE(contains(refused->message, "\xFF"));
    if (quotes_the_name) CHECK(contains(refused->message, "\\xff\\xff"));
  };
  CHECK(client.send_request(lookup_request{1, huge}));
  check_refusal(static_cast<std::uint16_t>(error::not_found), true);
  CHECK(client.send_request(unregister_request{2, huge}));
  check_refusal(static_cast<std::uint16_t>(error::not_found), true);
  CHECK(client.send_request(register_request{3, object_kind::queue, huge, {"127.0.0.1:1"}}));
  check_refusal(static_cast<std::uint16_t>(error::invalid_name), false);  // says its size instead
  CHECK(client.send_request(list_request{4, huge}));
  const auto listing = imchat::test::reply_as<records_reply>(client.receive_frame(), frame_type::records);
  REQUIRE(listing.has_value());
  CHECK(listing->records.empty());
  CHECK(listing->last);
  CHECK(server.running());
  CHECK_FALSE(contains(server.log(), "\xFF"));
  CHECK(server.log().size() < 64 * 1024);
  imchat::test::check_still_serving(server);
}

TEST_CASE("at the default log level a registration storm writes no line per name") {
  running_directory server({.log_level = "info"});
  INFO("directory log:\n" << server.log());
  {
    directory_wire_client client(server.port());
    REQUIRE(client.greet());
    for (std::uint32_t i = 1; i <= 200; ++i)
      REQUIRE(client.send_request(imchat::wire::register_request{i, imchat::wire::object_kind::queue,
                                                                 "Q_storm_" + std::to_string(i), {"127.0.0.1:1"}}));
    for (std::uint32_t i = 1; i <= 200; ++i) {
      const auto reply = client.receive_frame();
      REQUIRE(reply.has_value());
      REQUIRE(reply->type == frame_type::ok);
    }
  }  // closed: the directory frees the 200 names
  imchat::test::check_still_serving(server);
  CHECK_FALSE(contains(server.log(), "Q_storm_"));
}

}  // TEST_SUITE
