// A peer that refuses a connection writes an ERROR frame and closes at once, without
// reading what it was sent: its socket then resets the connection, and this side's
// write fails (a broken pipe) at the same moment as the ERROR arrives. The connection
// must still say why it was refused, as the ERROR said, not "broken pipe": that is what
// turns into "the directory needs a key: --key-file" for a user (CI saw the race).

#include "net/framed_connection.hpp"
#include "wire/control_frames.hpp"
#include "wire/error.hpp"
#include "wire/greeting.hpp"

#include "support/error_code_printing.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <doctest/doctest.h>

#include <future>
#include <thread>
#include <vector>

namespace imchat::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

TEST_CASE("framed connection: a peer that refuses and resets is heard - its ERROR - not the broken pipe") {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));

  // The refusing side, blocking on a thread of its own: it waits until this side's data
  // is in its socket unread, answers greeting + ERROR, and closes (so: a reset).
  std::thread refuser([&acceptor] {
    tcp::socket peer(acceptor.get_executor());
    acceptor.accept(peer);
    std::this_thread::sleep_for(200ms);  // this side has written (and filled buffers) by now
    const auto greeting = wire::encode_greeting(wire::role::kernel_object);
    wire::bytes reply(greeting.begin(), greeting.end());
    wire::encode(reply, wire::make_error_frame(wire::error::key_required, "a key is needed here"));
    asio::write(peer, asio::buffer(reply));
    peer.close();
  });

  tcp::socket socket(io);
  socket.connect(acceptor.local_endpoint());
  auto connection = framed_connection::create(
      std::move(socket), {.self = wire::role::kernel_peer, .expected_peer = wire::role::kernel_object, .dialing = true});
  std::promise<std::error_code> closed;
  connection->on_closed = [&closed](std::error_code reason, const std::string&) { closed.set_value(reason); };
  connection->start();
  // More than the sockets' buffers hold, so that a write is still under way at the reset.
  const std::vector<std::byte> lots(16 << 20, std::byte{0});
  connection->send(lots);

  auto reason = closed.get_future();
  std::thread runner([&io] { io.run_for(10s); });
  const bool heard = reason.wait_for(10s) == std::future_status::ready;
  runner.join();
  refuser.join();
  REQUIRE(heard);
  CHECK(reason.get() == std::error_code(wire::error::key_required));
}

}  // namespace
}  // namespace imchat::net
