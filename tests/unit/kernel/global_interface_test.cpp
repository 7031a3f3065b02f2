// Where a global object listens is the interface spec its creator gives. A spec that
// cannot be used is an error naming the spec; what a wildcard spec registers in the
// directory is where other programs can really connect, never 0.0.0.0 or [::].
// (Parsing and resolving specs as such is tested in tests/unit/net/.)

#include "application_thread.hpp"
#include "message_texts.hpp"
#include "simulated_process.hpp"
#include "test_directory.hpp"

#include "kernel/api_thread.hpp"
#include "net/endpoint.hpp"
#include "net/interface_spec.hpp"
#include "support/error_code_printing.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include "support/thrown_error.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using imchat::api_thread;
using imchat::scope;
using imchat::test::receive_texts;
using imchat::test::send_all;
using imchat::test::simulated_process;
using imchat::test::test_directory;
using imchat::test::thrown_error;
namespace asio = boost::asio;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// Whether a TCP connection to `endpoint_text` ("HOST:PORT" as the directory holds it) is
// accepted within a few seconds.
bool accepts_connections(const std::string& endpoint_text) {
  imchat::net::host_and_port endpoint;
  std::string why;
  if (imchat::net::parse_endpoint(endpoint_text, endpoint, why)) return false;
  const auto port = endpoint.port;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(endpoint.host, ec);
  if (ec) return false;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  bool connected = false;
  socket.async_connect({address, port}, [&](boost::system::error_code result) { connected = !result; });
  io.run_for(5s);
  return connected;
}

bool is_wildcard(const std::string& endpoint_text) {
  imchat::net::host_and_port endpoint;
  std::string why;
  if (imchat::net::parse_endpoint(endpoint_text, endpoint, why)) return false;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(endpoint.host, ec);
  return !ec && address.is_unspecified();
}

}  // namespace

TEST_SUITE("kernel") {

TEST_CASE("kernel: a global object on an unknown interface is refused naming the spec") {
  test_directory directory;
  simulated_process process(directory.address());
  const auto refused = process.app().call([&](api_thread& api) {
    return thrown_error([&] { api.create_queue("Q", scope::global, "nosuchif0:5555", process.io()); });
  });
  INFO(refused.what());
  CHECK(refused.code() == std::errc::invalid_argument);
  CHECK(contains(refused.what(), "'nosuchif0:5555'"));
  CHECK(contains(refused.what(), "no such network interface"));
  // Nothing was registered for it.
  CHECK_FALSE(process.directory().lookup("Q").has_value());
}

TEST_CASE("kernel: a global object on a port in use is refused naming the spec") {
  test_directory directory;
  simulated_process process(directory.address());
  asio::io_context io;
  asio::ip::tcp::acceptor squatter(io, {asio::ip::address_v4::loopback(), 0});
  const auto spec = "127.0.0.1:" + std::to_string(squatter.local_endpoint().port());

  for (const bool as_queue : {true, false}) {
    CAPTURE(as_queue);
    const auto refused = process.app().call([&](api_thread& api) {
      return thrown_error([&] {
        if (as_queue)
          api.create_queue("G", scope::global, spec, process.io());
        else
          api.create_exchange("G", scope::global, spec, process.io());
      });
    });
    INFO(refused.what());
    CHECK(refused.code() == std::errc::address_in_use);
    CHECK(contains(refused.what(), "'" + spec + "'"));
  }
  // The name is still free, in the process and in the directory.
  CHECK_FALSE(process.directory().lookup("G").has_value());
  CHECK(process.app().call([&](api_thread& api) {
    return thrown_error([&] { api.create_queue("G", scope::global, "127.0.0.1", process.io()); });
  }).code() == std::error_code{});
}

TEST_CASE("kernel: a global object on * registers reachable addresses and is reached through them") {
  test_directory directory;
  simulated_process room(directory.address()), prompt(directory.address());
  const auto advertised = room.app().call([&](api_thread& api) {
    api.create_queue("Q_star", scope::global, "*", room.io());
    return api.endpoints("Q_star");
  });
  const auto record = prompt.directory().lookup("Q_star");
  REQUIRE(record.has_value());
  CHECK(record->endpoints == advertised);
  REQUIRE_FALSE(advertised.empty());
  for (const auto& endpoint : advertised) {
    CAPTURE(endpoint);
    CHECK_FALSE(is_wildcard(endpoint));
    CHECK(accepts_connections(endpoint));
  }

  // And a program that knows nothing but the name gets its messages there.
  prompt.app().call([&](api_thread& api) {
    const auto out = api.create_exchange("E");
    api.bind("E", "Q_star", nullptr, &prompt.io());
    send_all(api, out, {"through the wildcard"});
  });
  CHECK(room.app().call([](api_thread& api) { return receive_texts(api, 1, 10s); }) ==
        std::vector<std::string>{"through the wildcard"});
}

TEST_CASE("kernel: a global object on an interface by name registers that interface's addresses") {
  test_directory directory;
  simulated_process room(directory.address());
  const auto advertised = room.app().call([&](api_thread& api) {
    api.create_exchange("E_lo", scope::global, "lo", room.io());
    return api.endpoints("E_lo");
  });
  REQUIRE_FALSE(advertised.empty());
  CHECK(advertised.front().starts_with("127.0.0.1:"));
  for (const auto& endpoint : advertised) {
    CAPTURE(endpoint);
    CHECK(accepts_connections(endpoint));
  }
}

}  // TEST_SUITE
