#pragma once
// What the fuzz targets that talk to a server over TCP share (directory_session_fuzzer,
// room_attach_fuzzer): the checks' way of failing, a client that sends an input and
// decodes every frame the server sends back, and a bounded way to wait for it.

#include "util/printable_text.hpp"
#include "util/utf8.hpp"
#include "wire/error.hpp"
#include "wire/frame.hpp"
#include "wire/frame_decoder.hpp"
#include "wire/greeting.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::fuzz {

// A broken invariant: libFuzzer reports the abort as a crash and keeps the input; the
// replay program (replay_main.cpp) fails its ctest test.
[[noreturn]] inline void broken(const std::string& what) {
  std::fprintf(stderr, "invariant violated: %s\n", what.c_str());
  std::abort();
}

inline void expect(bool holds, const std::string& what) {
  if (!holds) broken(what);
}

// Text a server sends a peer (an ERROR's or a FAIL's message) may quote the peer's bytes,
// but escaped: valid UTF-8 without a control or format character.
inline void expect_printable(std::string_view text, const std::string& what) {
  for (std::size_t at = 0; at < text.size();) {
    char32_t code_point = 0;
    const auto length = utf8::decode(text, at, code_point);
    expect(length != 0, what + " is not UTF-8");
    expect(!hides_or_controls(code_point), what + " holds a control or format character");
    at += length;
  }
}

// Logs at debug into nothing: the servers' log lines are still formatted (they quote what
// peers sent), but not written.
inline void log_into_nothing() {
  auto quiet = std::make_shared<spdlog::logger>("fuzz", std::make_shared<spdlog::sinks::null_sink_mt>());
  quiet->set_level(spdlog::level::debug);
  spdlog::set_default_logger(quiet);
}

// Runs `io` until `finished`, at most 8 s (then the invariant "the server answers" is
// broken). `each_turn` runs between handlers, for work of the calling thread.
inline void run_until(boost::asio::io_context& io, const std::function<bool()>& finished, const std::string& what,
                      const std::function<void()>& each_turn = {}) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(8);
  io.restart();
  while (!finished()) {
    if (std::chrono::steady_clock::now() > deadline) broken("timed out waiting until " + what);
    io.run_one_for(std::chrono::milliseconds(10));
    if (each_turn) each_turn();
  }
  io.poll();
}

// One connection to a server: connects, sends what it is given, checks the server's
// greeting and decodes every frame the server sends after it with the peer's rules, which
// a server must follow as well. Subclasses check each frame (on_frame) and the end.
class frame_client : public std::enable_shared_from_this<frame_client> {
 public:
  frame_client(boost::asio::io_context& io, wire::role server_role) : socket_(io), server_role_(server_role) {}
  virtual ~frame_client() = default;
  frame_client(const frame_client&) = delete;
  frame_client& operator=(const frame_client&) = delete;

  void start(const boost::asio::ip::tcp::endpoint& address, wire::bytes first) {
    socket_.async_connect(address, [self = shared_from_this(), first = std::move(first)](
                                       boost::system::error_code ec) mutable {
      expect(!ec, "cannot connect: " + ec.message());
      self->send(std::move(first), [self] { self->on_sent(); });
      self->read();
    });
  }

  bool done() const { return done_; }

 protected:
  // A frame from the server, after its greeting.
  virtual void on_frame(const wire::frame& frame) = 0;
  // Everything `start` was given has been written (or the server closed first).
  virtual void on_sent() {}
  // The server closed the connection (end of stream or reset), or sent ERROR.
  virtual void on_end() = 0;

  bool greeted() const { return greeted_; }

  // Sends more; `then` runs once it is written, or failed to be.
  void send(wire::bytes data, std::function<void()> then = {}) {
    auto held = std::make_shared<wire::bytes>(std::move(data));
    boost::asio::async_write(socket_, boost::asio::buffer(*held),
                             [held, then = std::move(then)](boost::system::error_code, std::size_t) {
                               // A write cut by the server's close is fine: it refused something.
                               if (then) then();
                             });
  }
  // Stops sending: the server sees the end of the stream.
  void half_close() {
    boost::system::error_code ignored;
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  }
  // This side is satisfied: closes, and the input is done.
  void finish() {
    done_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  void read() {
    socket_.async_read_some(boost::asio::buffer(buffer_),
                            [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                              self->on_read(ec, n);
                            });
  }

  void on_read(boost::system::error_code ec, std::size_t n) {
    if (done_) return;
    std::span<const std::byte> input(buffer_.data(), n);
    if (!greeted_) {
      const auto take = std::min(input.size(), wire::greeting_size - greeting_.size());
      greeting_.insert(greeting_.end(), input.begin(), input.begin() + static_cast<std::ptrdiff_t>(take));
      input = input.subspan(take);
      if (greeting_.size() == wire::greeting_size) {
        wire::greeting parsed;
        const auto bad = wire::parse_greeting(
            std::span<const std::byte, wire::greeting_size>(greeting_.data(), wire::greeting_size), server_role_,
            parsed);
        expect(!bad, "the server's greeting is refused: " + bad.message());
        greeted_ = true;
      }
    }
    while (!input.empty()) {
      std::error_code decode_error;
      input = input.subspan(decoder_.put(input, decode_error));
      if (decode_error == wire::error::need_more) break;
      expect(!decode_error, "the server sent a frame its peer refuses: " + decode_error.message());
      const auto frame = decoder_.take();
      expect(!got_error_, "the server sent " + std::string(wire::frame_type_name(frame.type)) + " after ERROR");
      if (frame.type == wire::frame_type::heartbeat) {
        expect(frame.body.empty(), "a HEARTBEAT with a body");
      } else {
        got_error_ = frame.type == wire::frame_type::error;
        on_frame(frame);
        if (got_error_ && !done_) {
          // ERROR is the last frame: what follows is the close, after the sender's linger
          // (a second). Closing first keeps an input that is refused from costing it.
          on_end();
          return finish();
        }
      }
      if (done_) return;
    }
    if (ec) {
      expect(decoder_.idle(), "the server's last frame was cut");
      on_end();
      done_ = true;
      return;
    }
    read();
  }

  boost::asio::ip::tcp::socket socket_;
  wire::role server_role_;
  std::array<std::byte, 64 * 1024> buffer_{};
  std::vector<std::byte> greeting_;
  wire::frame_decoder decoder_;
  bool greeted_ = false;
  bool got_error_ = false;
  bool done_ = false;
};

}  // namespace imchat::fuzz
