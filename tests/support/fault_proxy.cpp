#include "support/fault_proxy.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <deque>
#include <functional>
#include <future>
#include <set>
#include <thread>
#include <vector>

namespace imchat::test {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio_error = boost::system::error_code;
using steady = std::chrono::steady_clock;

namespace {

// What the proxy's connections share: the faults currently in force.
struct fault_state {
  bool stalled = false;
  std::chrono::milliseconds delay{0};
};

// How much of each direction of a connection the tap keeps.
constexpr std::size_t recorded_bytes = 1024 * 1024;

// One direction of one connection: reads from `from`, holds what it read until it is due
// (and the proxy is not stalled), writes it to `to` in order.
class pump {
 public:
  pump(tcp::socket& from, tcp::socket& to, const fault_state& faults, std::string& recording)
      : from_(from), to_(to), faults_(faults), recording_(recording), timer_(from.get_executor()) {}

  // Called by the connection with itself kept alive by `owner`; `on_end` when this
  // direction is over (end of stream forwarded, or an error).
  void run(std::shared_ptr<void> owner, std::function<void(bool failed)> on_end) {
    owner_ = std::move(owner);
    on_end_ = std::move(on_end);
    read();
  }
  void resume() {
    if (!owner_) return;  // not connected yet, or over
    read();
    write();
  }
  void stop() {
    done_ = true;
    timer_.cancel();
    // Both hold the connection: dropped, so that it can go.
    owner_.reset();
    on_end_ = nullptr;
  }

 private:
  struct chunk {
    steady::time_point due;
    std::vector<char> bytes;
  };

  void read() {
    if (reading_ || done_ || end_of_stream_ || faults_.stalled) return;
    reading_ = true;
    from_.async_read_some(asio::buffer(buffer_), [this, owner = owner_](asio_error ec, std::size_t n) {
      reading_ = false;
      if (done_) return;
      if (ec == asio::error::eof) {
        end_of_stream_ = true;
        write();
        return;
      }
      if (ec) return end(true);
      recording_.append(buffer_.data(), std::min(n, recorded_bytes - std::min(recorded_bytes, recording_.size())));
      held_.push_back({steady::now() + faults_.delay, std::vector<char>(buffer_.begin(), buffer_.begin() + n)});
      write();
      read();
    });
  }

  void write() {
    if (writing_ || done_ || faults_.stalled) return;
    if (held_.empty()) {
      // Everything before the end of the stream has gone: pass the end on.
      if (end_of_stream_) {
        asio_error ignored;
        to_.shutdown(tcp::socket::shutdown_send, ignored);
        end(false);
      }
      return;
    }
    writing_ = true;
    timer_.expires_at(held_.front().due);
    timer_.async_wait([this, owner = owner_](asio_error) {
      if (done_) return;
      if (faults_.stalled) {
        writing_ = false;  // held until unstall()
        return;
      }
      asio::async_write(to_, asio::buffer(held_.front().bytes), [this, owner](asio_error ec, std::size_t) {
        writing_ = false;
        if (done_) return;
        if (ec) return end(true);
        held_.pop_front();
        write();
      });
    });
  }

  void end(bool failed) {
    if (done_) return;
    done_ = true;
    auto on_end = std::move(on_end_);
    auto owner = std::move(owner_);
    on_end(failed);
  }

  tcp::socket& from_;
  tcp::socket& to_;
  const fault_state& faults_;
  std::string& recording_;
  asio::steady_timer timer_;
  std::array<char, 64 * 1024> buffer_{};
  std::deque<chunk> held_;
  std::shared_ptr<void> owner_;
  std::function<void(bool)> on_end_;
  bool reading_ = false;
  bool writing_ = false;
  bool end_of_stream_ = false;
  bool done_ = false;
};

// A client's connection and the proxy's connection to the target, pumped both ways.
class forwarded : public std::enable_shared_from_this<forwarded> {
 public:
  forwarded(tcp::socket client, const fault_state& faults, std::shared_ptr<recorded_connection> recording,
            std::function<void(forwarded*)> on_closed)
      : client_(std::move(client)),
        target_(client_.get_executor()),
        recording_(std::move(recording)),
        upstream_(client_, target_, faults, recording_->from_client),
        downstream_(target_, client_, faults, recording_->from_target),
        on_closed_(std::move(on_closed)) {}

  void start(const tcp::endpoint& target) {
    target_.async_connect(target, [self = shared_from_this()](asio_error ec) {
      if (self->closed_) return;
      if (ec) return self->close(false);
      for (auto* direction : {&self->upstream_, &self->downstream_})
        direction->run(self, [self](bool failed) { self->on_direction_end(failed); });
    });
  }

  void resume() {
    upstream_.resume();
    downstream_.resume();
  }

  // Closes both sockets; with `reset`, so that each end gets an RST rather than an end of
  // stream.
  void close(bool reset) {
    if (closed_) return;
    closed_ = true;
    for (auto* socket : {&client_, &target_}) {
      asio_error ignored;
      if (reset && socket->is_open()) socket->set_option(asio::socket_base::linger(true, 0), ignored);
      socket->close(ignored);
    }
    upstream_.stop();
    downstream_.stop();
    on_closed_(this);
  }

 private:
  void on_direction_end(bool failed) {
    // A reset on one side is passed on as a reset; two ends of stream close cleanly.
    if (failed) return close(true);
    if (++ended_ == 2) close(false);
  }

  tcp::socket client_;
  tcp::socket target_;
  std::shared_ptr<recorded_connection> recording_;  // the proxy keeps it too
  pump upstream_;
  pump downstream_;
  std::function<void(forwarded*)> on_closed_;
  int ended_ = 0;
  bool closed_ = false;
};

}  // namespace

class fault_proxy::impl {
 public:
  explicit impl(std::uint16_t target_port)
      : target_(asio::ip::make_address("127.0.0.1"), target_port),
        acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }

  // Runs `what` on the proxy's thread and waits for it.
  template <typename Function>
  auto run(Function what) {
    std::packaged_task<decltype(what())()> task(std::move(what));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    return result.get();
  }

  ~impl() {
    run([this] {
      asio_error ignored;
      acceptor_.close(ignored);
      for (const auto& connection : std::set(connections_)) connection->close(false);
    });
    work_.reset();
    thread_.join();
  }

  std::uint16_t port() const { return port_; }

  void cut() {
    run([this] {
      for (const auto& connection : std::set(connections_)) connection->close(true);
    });
  }
  void set_stalled(bool stalled) {
    run([this, stalled] {
      faults_.stalled = stalled;
      if (!stalled)
        for (const auto& connection : connections_) connection->resume();
    });
  }
  void set_delay(std::chrono::milliseconds delay) {
    run([this, delay] { faults_.delay = delay; });
  }
  void refuse(bool on) {
    run([this, on] { refusing_ = on; });
  }
  std::size_t open_connections() {
    return run([this] { return connections_.size(); });
  }
  std::size_t accepted_connections() {
    return run([this] { return accepted_; });
  }
  std::vector<recorded_connection> recordings() {
    return run([this] {
      std::vector<recorded_connection> copies;
      for (const auto& recording : recordings_) copies.push_back(*recording);
      return copies;
    });
  }

 private:
  void accept() {
    acceptor_.async_accept([this](asio_error ec, tcp::socket client) {
      if (!acceptor_.is_open()) return;
      if (!ec) {
        ++accepted_;
        if (refusing_) {
          asio_error ignored;
          client.close(ignored);
        } else {
          auto recording = recordings_.emplace_back(std::make_shared<recorded_connection>());
          auto connection =
              std::make_shared<forwarded>(std::move(client), faults_, recording, [this](forwarded* closed) {
                std::erase_if(connections_, [closed](const auto& each) { return each.get() == closed; });
              });
          connections_.insert(connection);
          connection->start(target_);
        }
      }
      accept();
    });
  }

  const tcp::endpoint target_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  tcp::acceptor acceptor_;
  const std::uint16_t port_ = acceptor_.local_endpoint().port();
  std::thread thread_;

  // Owned by the proxy's thread.
  fault_state faults_;
  bool refusing_ = false;
  std::size_t accepted_ = 0;
  std::set<std::shared_ptr<forwarded>> connections_;
  std::vector<std::shared_ptr<recorded_connection>> recordings_;
};

fault_proxy::fault_proxy(std::uint16_t target_port) : impl_(std::make_shared<impl>(target_port)) {}
fault_proxy::~fault_proxy() = default;

std::uint16_t fault_proxy::port() const { return impl_->port(); }
void fault_proxy::cut() { impl_->cut(); }
void fault_proxy::stall() { impl_->set_stalled(true); }
void fault_proxy::unstall() { impl_->set_stalled(false); }
void fault_proxy::set_delay(std::chrono::milliseconds delay) { impl_->set_delay(delay); }
void fault_proxy::refuse(bool on) { impl_->refuse(on); }
std::size_t fault_proxy::open_connections() const { return impl_->open_connections(); }
std::size_t fault_proxy::accepted_connections() const { return impl_->accepted_connections(); }
std::vector<recorded_connection> fault_proxy::recordings() const { return impl_->recordings(); }

}  // namespace imchat::test
