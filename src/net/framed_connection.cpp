#include "net/framed_connection.hpp"

#include "net/endpoint.hpp"
#include "net/tls_context.hpp"
#include "net/tls_error.hpp"
#include "net/tls_stream.hpp"
#include "util/printable_text.hpp"
#include "wire/body_writer.hpp"
#include "wire/control_frames.hpp"
#include "wire/error.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <utility>

namespace imchat::net {

namespace asio = boost::asio;
using asio_error = boost::system::error_code;

namespace {
// How long an ERROR frame may take to leave before the socket is closed anyway: a peer
// that does not read must not keep a connection alive.
constexpr std::chrono::seconds error_linger{1};
// How much of a peer's ERROR message is kept for logs and error messages.
constexpr std::size_t max_error_description = 512;
// How many of a misbehaving peer's bytes a log line shows.
constexpr std::size_t sample_size = 32;
}  // namespace

std::shared_ptr<framed_connection> framed_connection::create(asio::ip::tcp::socket socket,
                                                             connection_options options) {
  return std::make_shared<framed_connection>(std::move(socket), options);
}

framed_connection::framed_connection(asio::ip::tcp::socket socket, connection_options options)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      options_(options),
      decoder_(options.limits) {
  asio_error ec;
  const auto remote = socket_.remote_endpoint(ec);
  peer_ = ec ? "(unknown peer)" : format_endpoint(remote.address(), remote.port());
  if (!ec) peer_address_ = remote.address();
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  // Reads happen when the socket is readable, into the thread's buffer (read_some()).
  socket_.non_blocking(true, ec);
  if (options_.tls)
    tls_ = std::make_unique<tls_stream>(socket_, options_.dialing ? options_.tls->client() : options_.tls->server());
  else
    secured_ = true;
}

framed_connection::~framed_connection() = default;

void framed_connection::start() {
  const auto greeting = wire::encode_greeting(options_.self);
  send(greeting);  // with a key, it waits for the TLS handshake
  timer_.expires_after(options_.handshake_timeout);
  timer_.async_wait([self = shared_from_this()](asio_error ec) {
    if (ec || self->ready_ || self->closed_ || self->closing_) return;
    if (!self->secured_) return self->finish(wire::error::handshake_timeout, "the TLS handshake did not finish in time");
    self->close_with_error(wire::error::handshake_timeout);
  });
  if (!tls_)
    read_greeting();
  else if (options_.dialing)
    start_tls_handshake();
  else
    look_at_first_bytes();
}

void framed_connection::read_greeting() {
  on_stream([this](auto& stream) {
    asio::async_read(stream, asio::buffer(greeting_), [self = shared_from_this()](asio_error ec, std::size_t) {
      self->on_greeting(ec);
    });
  });
}

void framed_connection::on_greeting(asio_error read_error) {
  if (closed_) return;
  if (read_error && write_failed_) return finish(write_failed_);
  if (read_error) {
    const bool closed = read_error == asio::error::eof || read_error == asio::ssl::error::stream_truncated;
    finish(closed ? std::error_code(wire::error::connection_closed) : std::error_code(read_error),
           "connection closed during the handshake");
    return;
  }
  wire::greeting greeting;
  const auto ec = wire::parse_greeting(greeting_, options_.expected_peer, greeting);
  if (ec == wire::error::bad_magic && greeting_[0] == tls_handshake_record) {
    spdlog::warn("{}: the peer speaks TLS: it has a key, and this side has none; closing", peer_);
    finish(tls_error::peer_with_key, "the peer speaks TLS: it has a key, and this side has none");
    return;
  }
  if (ec == wire::error::bad_magic) {
    // Not an imchat peer: it would not understand an ERROR frame either.
    spdlog::warn("{}: not an imchat peer (sent '{}'), closing", peer_, printable_text(greeting_, sample_size));
    finish(ec, "not an imchat peer");
    return;
  }
  if (ec == wire::error::unsupported_version) {
    close_with_error(ec, "peer speaks protocol version " + std::to_string(greeting.version) +
                             ", this side speaks version " + std::to_string(wire::protocol_version));
    return;
  }
  if (ec) {
    close_with_error(ec, "expected a " + std::string(wire::role_name(options_.expected_peer)) +
                             ", got role " +
                             std::to_string(std::to_integer<int>(greeting_[7])));
    return;
  }
  ready_ = true;
  if (write_failed_) {
    read_some();  // for the ERROR that follows the greeting; the linger timer bounds it
    return;
  }
  timer_.cancel();
  if (heartbeats_) start_heartbeats();
  if (on_ready) on_ready();
  read_some();
}

namespace {
// One read buffer per I/O thread, not per connection: a connection waits for its socket
// to become readable holding no buffer, so ten thousand idle displays cost a room next to
// nothing, and what a read brings is decoded before the thread reads anything else.
std::span<std::byte> thread_read_buffer() {
  thread_local std::array<std::byte, 64 * 1024> buffer;
  return buffer;
}
}  // namespace

void framed_connection::read_some() {
  // Never over frames still waiting from the last read.
  if (reading_ || paused_ || closed_ || closing_ || !ready_ || !unprocessed_.empty()) return;
  reading_ = true;
  if (tls_) {
    tls_->stream.async_read_some(asio::buffer(tls_->read_buffer),
                                 [self = shared_from_this()](asio_error ec, std::size_t n) { self->on_tls_read(ec, n); });
    return;
  }
  socket_.async_wait(asio::ip::tcp::socket::wait_read,
                     [self = shared_from_this()](asio_error ec) { self->on_readable(ec); });
}

void framed_connection::on_tls_read(asio_error ec, std::size_t n) {
  reading_ = false;
  if (closed_ || closing_) return;
  if (ec) return on_read_error(ec);
  last_received_ = clock::now();
  process_input(std::span<const std::byte>(tls_->read_buffer).first(n));
}

void framed_connection::on_read_error(asio_error ec) {
  // A peer that closes without TLS's close_notify truncates the stream: to us, that is
  // the end of it, as a FIN is in plaintext (the frames say whether anything was cut).
  const bool ended = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
  if (write_failed_) return finish(write_failed_);
  if (ended && !decoder_.idle()) return finish(wire::error::connection_closed);
  finish(ended ? std::error_code(asio_error(asio::error::eof)) : std::error_code(ec));
}

void framed_connection::on_readable(asio_error ec) {
  reading_ = false;
  if (closed_ || closing_) return;
  const auto buffer = thread_read_buffer();
  std::size_t n = 0;
  if (!ec) n = socket_.read_some(asio::buffer(buffer.data(), buffer.size()), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) return read_some();
  if (ec) return on_read_error(ec);
  last_received_ = clock::now();
  process_input(buffer.first(n));
}

void framed_connection::process_input(std::span<const std::byte> input) {
  while (!input.empty() && !closed_ && !closing_ && !paused_) {
    std::error_code decode_error;
    const std::size_t used = decoder_.put(input, decode_error);
    const auto consumed = input.first(used);
    input = input.subspan(used);
    if (decode_error == wire::error::need_more) break;
    if (decode_error) {
      spdlog::warn("{}: protocol error: {} (bytes: '{}')", peer_, decode_error.message(),
                   printable_text(consumed, sample_size));
      close_with_error(decode_error);
      return;
    }
    // Viewed where it lies: in this read's bytes for a frame that came whole in it.
    const auto frame = decoder_.take_view(gathered_);
    frame_started_.reset();
    if (frame.type == wire::frame_type::error) {
      wire::error_frame error;
      if (wire::decode(frame.body, error)) {
        finish(wire::error::truncated_body, "peer sent a malformed ERROR frame");
      } else {
        // The message is the peer's text and ends up in logs and error messages: cleaned
        // up, so that a hostile peer cannot forge log lines or drive a terminal.
        const auto description = wire::describe(error);
        finish(wire::error_from_wire(error.code),
               printable_text(wire::as_bytes(description), max_error_description));
      }
      return;
    }
    if (frame.type == wire::frame_type::heartbeat) continue;  // its arrival was the point
    if (on_frame) on_frame(frame);
  }
  if (!decoder_.idle() && !frame_started_) frame_started_ = last_received_;
  if (!charge_partial_frame()) return;
  // Kept (rarely: only when paused mid-read), since the thread's buffer is not ours.
  unprocessed_.assign(paused_ ? input.begin() : input.end(), input.end());
  if (on_batch_end && !closed_) on_batch_end();
  read_some();
}

bool framed_connection::charge_partial_frame() {
  auto& budget = partial_frames_;
  if (!budget || closed_) return true;
  const auto holding = decoder_.buffered_bytes();
  if (holding <= charged_) {
    budget->give_back(charged_ - holding);
    charged_ = holding;
    return true;
  }
  if (budget->take(holding - charged_)) {
    charged_ = holding;
    return true;
  }
  // Many peers in the middle of large frames at once: this one waits its turn elsewhere.
  close_with_error(wire::error::limit_exceeded,
                   fmt::format("the partly received frames of all connections would exceed {} bytes",
                               budget->limit()));
  return false;
}

std::size_t framed_connection::unacknowledged_bytes() noexcept {
  int queued = 0;
  if (closed_ || ::ioctl(socket_.native_handle(), SIOCOUTQ, &queued) != 0 || queued < 0) queued = 0;
  return outbound_bytes() + static_cast<std::size_t>(queued);
}

void framed_connection::send(std::span<const std::byte> encoded_frames) {
  if (closed_ || closing_) return;
  auto& out = out_.own();
  out.insert(out.end(), encoded_frames.begin(), encoded_frames.end());
  flush();
}

void framed_connection::send_shared(std::shared_ptr<const wire::bytes> frames, std::size_t offset, std::size_t size) {
  if (closed_ || closing_) return;
  out_.append_shared(std::move(frames), offset, size);
  flush();
}

void framed_connection::flush() {
  if (writing_ || !out_.has_unsent() || closed_ || !secured_ || write_failed_) return;
  writing_ = true;
  // Everything waiting in one write, its own bytes and the shared ones as one gather list.
  on_stream([this](auto& stream) {
    asio::async_write(stream, out_.take_for_write(),
                      [self = shared_from_this()](asio_error ec, std::size_t) { self->on_written(ec); });
  });
}

void framed_connection::on_written(asio_error ec) {
  writing_ = false;
  out_.written();
  if (closed_) return;
  if (ec) return on_write_error(ec);
  last_sent_ = clock::now();
  if (closing_ && !out_.has_unsent()) {
    finish(close_reason_, close_detail_);
    return;
  }
  flush();
  if (on_sent) on_sent();
}

void framed_connection::on_write_error(asio_error ec) {
  // A peer that refuses us (no key, a full room) writes an ERROR and closes, and our
  // next write fails with a broken pipe before we have read why: what it said is still
  // in the socket, so the read side goes on to its end (or the ERROR) for a moment.
  const bool read_side_live = !paused_ && (reading_ || !ready_);
  if (!read_side_live || closing_) return finish(ec);
  write_failed_ = ec;
  timer_.expires_after(error_linger);
  timer_.async_wait([self = shared_from_this()](asio_error timer_error) {
    if (!timer_error) self->finish(self->write_failed_);
  });
}

void framed_connection::close_with_error(std::error_code code, std::string_view detail) {
  if (closed_ || closing_) return;
  spdlog::info("{}: closing: {}", peer_, wire::describe(wire::make_error_frame(code, detail)));
  send_error_and_close(code, detail);
}

void framed_connection::refuse(std::error_code code, std::string_view detail) {
  start();
  send_error_and_close(code, detail);
}

void framed_connection::send_error_and_close(std::error_code code, std::string_view detail) {
  if (closed_ || closing_) return;
  wire::encode(out_.own(), wire::make_error_frame(code, detail));
  closing_ = true;
  close_reason_ = code;
  close_detail_ = std::string(detail);
  flush();
  timer_.expires_after(error_linger);
  timer_.async_wait([self = shared_from_this()](asio_error ec) {
    if (!ec) self->finish(self->close_reason_, self->close_detail_);
  });
}

void framed_connection::close() { finish({}); }

void framed_connection::pause_reading() { paused_ = true; }

void framed_connection::resume_reading() {
  if (!paused_) return;
  paused_ = false;
  // The peer's silence while we were not reading was ours: its clock starts again now,
  // and so does the one of a frame it was in the middle of sending.
  last_received_ = clock::now();
  if (frame_started_) frame_started_ = last_received_;
  if (unprocessed_.empty()) {
    read_some();
    return;
  }
  // The frames left over come first. Posted, because the caller may be inside on_frame
  // or on_sent, and must not be re-entered.
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    if (self->paused_ || self->closed_ || self->closing_ || self->unprocessed_.empty()) return;
    const auto input = std::exchange(self->unprocessed_, {});
    self->process_input(input);
  });
}

void framed_connection::enable_heartbeats(heartbeat_options options) {
  heartbeats_ = options;
  if (ready_ && !closed_ && !closing_) start_heartbeats();
}

void framed_connection::start_heartbeats() {
  last_received_ = last_sent_ = clock::now();
  arm_heartbeat_timer();
}

void framed_connection::arm_heartbeat_timer() {
  // A write still in flight (a peer slow to read) needs no heartbeat on top: look again
  // an interval from now.
  const auto now = clock::now();
  auto next = writing_ || out_.has_unsent() ? now + heartbeats_->interval : last_sent_ + heartbeats_->interval;
  if (!paused_) next = std::min(next, last_received_ + heartbeats_->peer_timeout);
  if (!paused_ && frame_started_) next = std::min(next, *frame_started_ + heartbeats_->peer_timeout);
  timer_.expires_at(std::max(next, now));
  timer_.async_wait([self = shared_from_this()](asio_error ec) {
    if (!ec) self->on_heartbeat_timer();
  });
}

void framed_connection::on_heartbeat_timer() {
  // The timer may have moved on to the ERROR linger, whose wait this must not replace.
  if (closed_ || closing_ || write_failed_) return;
  const auto now = clock::now();
  if (!paused_ && now - last_received_ >= heartbeats_->peer_timeout) {
    close_with_error(wire::error::peer_timeout,
                     fmt::format("no sign of life for {:g} s",
                                 std::chrono::duration<double>(heartbeats_->peer_timeout).count()));
    return;
  }
  if (!paused_ && frame_started_ && now - *frame_started_ >= heartbeats_->peer_timeout) {
    close_with_error(wire::error::peer_timeout,
                     fmt::format("a frame took more than {:g} s to arrive",
                                 std::chrono::duration<double>(heartbeats_->peer_timeout).count()));
    return;
  }
  if (!writing_ && !out_.has_unsent() && now - last_sent_ >= heartbeats_->interval)
    send_with([](wire::bytes& out) { wire::append_frame(out, wire::frame_type::heartbeat); });
  arm_heartbeat_timer();
}

void framed_connection::finish(std::error_code reason, const std::string& detail) {
  if (closed_) return;
  closed_ = true;
  timer_.cancel();
  if (partial_frames_) partial_frames_->give_back(std::exchange(charged_, 0));
  held_.reset();  // counted as open no more
  asio_error ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  // Posted, so that an owner that closes from inside a callback is not re-entered; the
  // callbacks are dropped afterwards to break the owner <-> connection reference cycle.
  asio::post(socket_.get_executor(), [self = shared_from_this(), reason, detail] {
    if (self->on_closed) self->on_closed(reason, detail);
    self->on_ready = nullptr;
    self->on_frame = nullptr;
    self->on_batch_end = nullptr;
    self->on_sent = nullptr;
    self->on_closed = nullptr;
  });
}

}  // namespace imchat::net
