#pragma once
// The engine under every imchat connection: owns the TCP socket (and, with a key, the TLS
// session over it, set up before anything else is said: tls_context.hpp), exchanges greetings,
// runs the frame decoder over what arrives and batches what leaves (all frames queued
// while a write is in flight go out in the next single write, as libzmq's engine does).
// It also keeps idle connections alive and notices dead peers (heartbeats, opt-in).
// It lives on one I/O thread: every member function must be called on that thread.

#include "net/admission.hpp"
#include "net/outbound_queue.hpp"
#include "wire/frame.hpp"
#include "wire/frame_decoder.hpp"
#include "wire/greeting.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

namespace imchat::net {

class tls_context;

struct connection_options {
  wire::role self = wire::role::directory_client;
  wire::role expected_peer = wire::role::directory_server;
  wire::decoder_limits limits{};
  // The greeting, and the TLS handshake before it with a key, must be done within this.
  std::chrono::milliseconds handshake_timeout{5000};
  // With a key: TLS 1.3 authenticated by it, and nothing in plaintext. A side without a
  // key that meets one with a key, or two different keys, fail with a key error
  // (tls_error.hpp); a side with a key answers a plaintext greeting with ERROR
  // key_required, in plaintext, so that the peer can say what is missing.
  std::shared_ptr<tls_context> tls{};
  // Which end of the TLS handshake this is: the dialer's (client) or the listener's.
  bool dialing = false;
};

// Liveness in both directions (docs/wire-protocol.md §3, "Heartbeats"): a host that
// vanishes without closing is noticed in seconds rather than after TCP's retransmission
// timeouts, which run to many minutes.
struct heartbeat_options {
  std::chrono::milliseconds interval{1000};      // send a HEARTBEAT when nothing was written for this long
  std::chrono::milliseconds peer_timeout{5000};  // close when nothing at all arrived for this long
};

class framed_connection : public std::enable_shared_from_this<framed_connection> {
 public:
  // Called once the peer's greeting checked out.
  std::function<void()> on_ready;
  // Called for every frame, viewed where it lies (valid during the call only). ERROR
  // frames (logged, then closed) and HEARTBEAT frames are handled here: they never reach
  // on_frame.
  std::function<void(wire::frame_view)> on_frame;
  // Called after the frames of one read have all gone to on_frame (or reading was paused
  // among them): the place to hand a batch on (optional).
  std::function<void()> on_batch_end;
  // Called when a write has completed, with outbound_bytes() already less: the place to
  // resume reading from a peer that was paused for not reading its replies (optional).
  std::function<void()> on_sent;
  // Called once, when the connection is gone: the reason (a wire::error, an Asio error,
  // or success for a close this side asked for) and, for an ERROR frame received from the
  // peer, its description.
  std::function<void(std::error_code, const std::string& detail)> on_closed;

  static std::shared_ptr<framed_connection> create(boost::asio::ip::tcp::socket socket,
                                                   connection_options options);

  // Sends the greeting and starts reading. Set the callbacks first.
  void start();

  // Sends HEARTBEAT when nothing was written for `options.interval`, and closes with ERROR
  // peer_timeout when nothing arrived for `options.peer_timeout`, or when a frame has not
  // arrived whole within `options.peer_timeout` of its first byte (a peer trickling a byte
  // now and then must not hold a connection and its half frame for ever); time spent with
  // reading paused excepted. Callable before or after start(); takes effect once ready.
  void enable_heartbeats(heartbeat_options options);

  // Queues an encoded frame (or several) for sending; writes start at once if idle.
  void send(std::span<const std::byte> encoded_frames);
  // Queues whatever `encode` appends to the outgoing buffer, without an extra copy:
  //   connection->send_with([&](wire::bytes& out) { wire::encode(out, reply); });
  // Nothing is queued once an ERROR is (close_with_error): it is the last frame sent.
  template <class Encode>
  void send_with(Encode&& encode) {
    if (closed_ || closing_) return;
    encode(out_.own());
    flush();
  }
  // Queues `size` bytes of frames at `offset` in `frames`, encoded once and shared by
  // every connection that sends them (an exchange's batch to its subscribers): referred
  // to until written, never copied here.
  void send_shared(std::shared_ptr<const wire::bytes> frames, std::size_t offset, std::size_t size);

  // Sends ERROR(code, detail), then closes once it is written. Logs the reason.
  void close_with_error(std::error_code code, std::string_view detail = {});
  // Closes now; on_closed gets success.
  void close();
  // For a connection turned away as it arrives: sends the greeting and ERROR(code,
  // detail), then closes. Logs nothing: whoever turns connections away logs, sparingly.
  void refuse(std::error_code code, std::string_view detail);

  // Keeps `token` until the connection closes: how a listener counts it as open.
  void hold_until_closed(std::shared_ptr<void> token) { held_ = std::move(token); }
  // Draws what an unfinished frame holds from `budget`, shared with other connections
  // (without one, only the frame size bounds it); a frame that would take more than is
  // left closes the connection with limit_exceeded. Before start().
  void draw_partial_frames_from(std::shared_ptr<input_budget> budget) { partial_frames_ = std::move(budget); }

  // Flow control: stop and restart reading from the socket (TCP pushes back on the peer).
  // Paused from inside on_frame, no further frame is handed on until resumed, even if the
  // same read brought more: they wait, undecoded, in the read buffer.
  void pause_reading();
  void resume_reading();

  bool ready() const noexcept { return ready_; }
  bool closed() const noexcept { return closed_; }
  // Bytes queued or in flight, for output limits.
  std::size_t outbound_bytes() const noexcept { return out_.size(); }
  // outbound_bytes(), and what the socket took that the peer's TCP has not acknowledged
  // yet: what a side that is about to close must wait for. Closing with the peer's bytes
  // unread sends a reset, which throws away whatever is still in the socket's queue.
  std::size_t unacknowledged_bytes() noexcept;
  // "127.0.0.1:43210", as seen when the connection was made.
  const std::string& peer() const noexcept { return peer_; }
  // Its address alone (unspecified if the socket had none), for limits per host.
  const boost::asio::ip::address& peer_address() const noexcept { return peer_address_; }
  boost::asio::any_io_executor executor() { return socket_.get_executor(); }

  framed_connection(boost::asio::ip::tcp::socket socket, connection_options options);
  ~framed_connection();
  framed_connection(const framed_connection&) = delete;
  framed_connection& operator=(const framed_connection&) = delete;

  // With a key, once its handshake is done: true.
  bool encrypted() const noexcept { return tls_ && secured_; }

 private:
  struct tls_stream;
  // Calls `operation` with the stream the frames travel on: the TLS stream or the socket.
  template <class Operation>
  void on_stream(Operation&& operation);
  void look_at_first_bytes();
  void on_first_bytes(boost::system::error_code ec);
  void start_tls_handshake();
  void on_tls_handshake(boost::system::error_code ec);
  void on_tls_read(boost::system::error_code ec, std::size_t n);
  void on_read_error(boost::system::error_code ec);
  void read_greeting();
  void on_greeting(boost::system::error_code ec);
  void read_some();
  void on_readable(boost::system::error_code ec);
  void process_input(std::span<const std::byte> input);
  void flush();
  void on_written(boost::system::error_code ec);
  void finish(std::error_code reason, const std::string& detail = {});
  void start_heartbeats();
  void on_heartbeat_timer();
  void arm_heartbeat_timer();
  bool charge_partial_frame();
  void send_error_and_close(std::error_code code, std::string_view detail);
  void on_write_error(boost::system::error_code ec);

  using clock = std::chrono::steady_clock;

  boost::asio::ip::tcp::socket socket_;
  std::unique_ptr<tls_stream> tls_;  // with a key only
  // The connection's one deadline, which its phases take in turn: the handshake timeout,
  // then the heartbeat schedule, then how long an ERROR may linger. Arming it for one
  // cancels the wait of the one before.
  boost::asio::steady_timer timer_;
  connection_options options_;
  wire::frame_decoder decoder_;
  wire::bytes gathered_;  // the body of a frame that came in pieces, while on_frame sees it
  std::string peer_;
  boost::asio::ip::address peer_address_;
  std::array<std::byte, wire::greeting_size> greeting_{};
  // What a read brought and is not decoded yet because reading was paused.
  wire::bytes unprocessed_;
  outbound_queue out_;
  bool ready_ = false;
  // Frames may be written: at once in plaintext, after the handshake with a key.
  bool secured_ = false;
  bool reading_ = false;
  bool paused_ = false;
  bool writing_ = false;
  bool closing_ = false;  // an ERROR is being written; close after it
  bool closed_ = false;
  std::error_code write_failed_;  // the read side still runs, for what the peer said
  std::error_code close_reason_;
  std::string close_detail_;
  std::optional<heartbeat_options> heartbeats_;
  // When a read or a write last completed, for the heartbeat schedule.
  clock::time_point last_received_{};
  clock::time_point last_sent_{};
  // When the frame being received began to arrive; none between frames.
  std::optional<clock::time_point> frame_started_;
  std::shared_ptr<input_budget> partial_frames_;
  std::size_t charged_ = 0;  // what this connection has drawn from it
  std::shared_ptr<void> held_;
};

}  // namespace imchat::net
