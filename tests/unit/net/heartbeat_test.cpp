// Heartbeats and dead-peer detection in framed_connection, over real sockets on loopback:
// idle connections live on, a silent peer is closed with peer_timeout, and a connection
// whose reading is paused does not count the peer's silence meanwhile. The intervals are
// short so that the tests are quick; the bounds asserted are generous, never tight.

#include "net/framed_connection.hpp"
#include "support/raw_tcp_client.hpp"
#include "wire/control_frames.hpp"
#include "wire/error.hpp"
#include "wire/frame_decoder.hpp"
#include "wire/greeting.hpp"

#include "support/error_code_printing.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <thread>

namespace imchat::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr heartbeat_options quick{.interval = 100ms, .peer_timeout = 1000ms};

struct close_report {
  std::error_code reason;
  std::string detail;
};

// One end of a connection under test: its framed_connection, what reached on_frame, and
// how it closed.
struct connection_end {
  std::shared_ptr<framed_connection> connection;
  std::atomic<int> frames{0};
  std::promise<close_report> closed;
  std::future<close_report> closed_future = closed.get_future();

  // The report, or nullopt if the connection is still open after `timeout`.
  std::optional<close_report> wait_closed(std::chrono::milliseconds timeout) {
    if (closed_future.wait_for(timeout) != std::future_status::ready) return std::nullopt;
    return closed_future.get();
  }
};

// An io_context on a thread of its own, where the connections live, and a listening
// socket on 127.0.0.1 whose accepted connections become framed_connections (the
// kernel-object side) with `accepted_heartbeats`, if any.
class loopback {
 public:
  explicit loopback(std::optional<heartbeat_options> accepted_heartbeats,
                    std::function<void(framed_connection&)> on_ready = {})
      : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    acceptor_.async_accept([this, accepted_heartbeats, on_ready](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      start(accepted, std::move(socket), {.self = wire::role::kernel_object, .expected_peer = wire::role::kernel_peer},
            accepted_heartbeats, on_ready);
    });
    thread_ = std::thread([this] { io_.run(); });
  }
  ~loopback() {
    asio::post(io_, [this] {
      for (auto* end : {&accepted, &connecting})
        if (end->connection) end->connection->close();
      acceptor_.close();
    });
    work_.reset();
    thread_.join();
    // Before the io_context their sockets and timers belong to.
    accepted.connection.reset();
    connecting.connection.reset();
  }
  loopback(const loopback&) = delete;
  loopback& operator=(const loopback&) = delete;

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  // Connects a framed_connection (the kernel-peer side) to the listening socket.
  void connect(std::optional<heartbeat_options> heartbeats) {
    tcp::socket socket(io_);
    socket.connect(acceptor_.local_endpoint());
    asio::post(io_, [this, heartbeats, socket = std::move(socket)]() mutable {
      start(connecting, std::move(socket), {.self = wire::role::kernel_peer, .expected_peer = wire::role::kernel_object},
            heartbeats, {});
    });
  }

  // Runs `call` on the accepted connection, on its thread.
  void on_accepted(std::function<void(framed_connection&)> call) {
    asio::post(io_, [this, call = std::move(call)] {
      if (accepted.connection) call(*accepted.connection);
    });
  }

  connection_end accepted;
  connection_end connecting;

 private:
  static void start(connection_end& end, tcp::socket socket, connection_options options,
                    std::optional<heartbeat_options> heartbeats, std::function<void(framed_connection&)> on_ready) {
    end.connection = framed_connection::create(std::move(socket), options);
    auto* connection = end.connection.get();
    end.connection->on_ready = [connection, on_ready] {
      if (on_ready) on_ready(*connection);
    };
    end.connection->on_frame = [&end](wire::frame_view) { ++end.frames; };
    end.connection->on_closed = [&end](std::error_code reason, const std::string& detail) {
      end.closed.set_value({reason, detail});
    };
    if (heartbeats) end.connection->enable_heartbeats(*heartbeats);
    end.connection->start();
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  tcp::acceptor acceptor_;
  std::thread thread_;
};

// A raw peer that greets as a kernel peer and then says nothing at all.
test::raw_tcp_client silent_peer(std::uint16_t port) {
  test::raw_tcp_client peer(port);
  const auto greeting = wire::encode_greeting(wire::role::kernel_peer);
  REQUIRE(peer.send_bytes(wire::as_text(greeting)));
  REQUIRE(peer.receive_exactly(wire::greeting_size).has_value());
  return peer;
}

// The frames in `bytes` (what followed the greeting), decoded.
std::vector<wire::frame> frames_in(std::string_view bytes) {
  wire::frame_decoder decoder;
  std::vector<wire::frame> frames;
  auto input = wire::as_bytes(bytes);
  while (!input.empty()) {
    std::error_code ec;
    input = input.subspan(decoder.put(input, ec));
    if (ec) break;
    frames.push_back(decoder.take());
  }
  return frames;
}

}  // namespace

TEST_SUITE("net") {

TEST_CASE("an idle connection with heartbeats both ways outlives several peer timeouts") {
  loopback pair(quick);
  pair.connect(quick);
  // Three timeouts of silence from the programs on both ends: only heartbeats flow.
  CHECK_FALSE(pair.accepted.wait_closed(3 * quick.peer_timeout).has_value());
  CHECK_FALSE(pair.connecting.wait_closed(0ms).has_value());
  // Heartbeats are the connection's business: the program sees none of them.
  CHECK(pair.accepted.frames == 0);
  CHECK(pair.connecting.frames == 0);
}

TEST_CASE("a peer that greets and then goes silent is closed with peer_timeout") {
  loopback listener(heartbeat_options{.interval = 100ms, .peer_timeout = 500ms});
  const auto start = steady::now();
  auto peer = silent_peer(listener.port());

  const auto report = listener.accepted.wait_closed(test::default_timeout);
  REQUIRE(report.has_value());
  const auto elapsed = steady::now() - start;
  CHECK(report->reason == wire::error::peer_timeout);
  CHECK(report->detail == "no sign of life for 0.5 s");
  CHECK(elapsed >= 450ms);  // not before the timeout (give or take the clock's rounding)
  CHECK(elapsed < 5s);      // nor after some default: the option was honoured

  // The peer heard heartbeats while it was silent, then the ERROR, then the close.
  REQUIRE(peer.wait_closed());
  const auto frames = frames_in(peer.receive_some(0ms));
  REQUIRE(frames.size() >= 2);
  for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
    CAPTURE(i);
    CHECK(frames[i].type == wire::frame_type::heartbeat);
    CHECK(frames[i].body.empty());
  }
  REQUIRE(frames.back().type == wire::frame_type::error);
  wire::error_frame error;
  REQUIRE_FALSE(wire::decode(frames.back().body, error));
  CHECK(error.code == static_cast<std::uint16_t>(wire::error::peer_timeout));
  CHECK(error.message == "no sign of life for 0.5 s");
}

TEST_CASE("a peer trickling a frame a byte at a time is closed once the frame is late") {
  loopback listener(heartbeat_options{.interval = 100ms, .peer_timeout = 800ms});
  auto peer = silent_peer(listener.port());
  // A header announcing a 1,000-byte body, then a byte every 100 ms: never silent for
  // long, so only the frame's own deadline can end it.
  const std::string header{'\0', '\0', '\x03', '\xe8', static_cast<char>(wire::frame_type::message)};
  REQUIRE(peer.send_bytes(header));
  const auto start = steady::now();
  std::optional<close_report> report;
  while (!(report = listener.accepted.wait_closed(100ms)) && steady::now() - start < 10s)
    if (!peer.send_bytes("x")) break;
  REQUIRE(report.has_value());
  const auto elapsed = steady::now() - start;
  CHECK(report->reason == wire::error::peer_timeout);
  CHECK(report->detail == "a frame took more than 0.8 s to arrive");
  CHECK(elapsed >= 700ms);
  CHECK(elapsed < 5s);
  CHECK(listener.accepted.frames == 0);
}

TEST_CASE("frames that each arrive in time keep a connection open however long it lasts") {
  loopback listener(heartbeat_options{.interval = 100ms, .peer_timeout = 800ms});
  auto peer = silent_peer(listener.port());
  // Each frame in two halves 300 ms apart: 3.6 s of frames, none of them late.
  const std::string header{'\0', '\0', '\0', '\x04', static_cast<char>(wire::frame_type::message)};
  for (int i = 0; i < 6; ++i) {
    REQUIRE(peer.send_bytes(header + "ab"));
    std::this_thread::sleep_for(300ms);
    REQUIRE(peer.send_bytes("cd"));
    std::this_thread::sleep_for(300ms);
  }
  CHECK_FALSE(listener.accepted.wait_closed(0ms).has_value());
  CHECK(listener.accepted.frames == 6);
}

TEST_CASE("a connection whose reading is paused does not time its peer out until it resumes") {
  loopback listener(heartbeat_options{.interval = 100ms, .peer_timeout = 500ms},
                    [](framed_connection& connection) { connection.pause_reading(); });
  auto peer = silent_peer(listener.port());
  // Paused, the connection does not read what the peer may have sent: its silence is not
  // evidence of anything.
  CHECK_FALSE(listener.accepted.wait_closed(1500ms).has_value());

  const auto resumed = steady::now();
  listener.on_accepted([](framed_connection& connection) { connection.resume_reading(); });
  const auto report = listener.accepted.wait_closed(test::default_timeout);
  REQUIRE(report.has_value());
  CHECK(report->reason == wire::error::peer_timeout);
  // The clock started again at the resume, rather than counting the paused time.
  CHECK(steady::now() - resumed >= 400ms);
}

TEST_CASE("heartbeats enabled after the handshake take effect at once") {
  loopback listener(std::nullopt);
  auto peer = silent_peer(listener.port());
  CHECK_FALSE(listener.accepted.wait_closed(300ms).has_value());
  listener.on_accepted(
      [](framed_connection& connection) { connection.enable_heartbeats({.interval = 100ms, .peer_timeout = 500ms}); });
  const auto report = listener.accepted.wait_closed(test::default_timeout);
  REQUIRE(report.has_value());
  CHECK(report->reason == wire::error::peer_timeout);
}

TEST_CASE("a connection without heartbeats sends none and keeps a silent peer") {
  loopback listener(std::nullopt);
  auto peer = silent_peer(listener.port());
  CHECK(peer.receive_some(1500ms).empty());
  CHECK_FALSE(listener.accepted.wait_closed(0ms).has_value());
}

}  // TEST_SUITE

}  // namespace imchat::net
