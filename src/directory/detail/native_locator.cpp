#include "directory/detail/native_locator.hpp"

#include "net/dialer.hpp"
#include "net/framed_connection.hpp"
#include "net/tls_context.hpp"
#include "net/tls_error.hpp"
#include "wire/body_reader.hpp"
#include "wire/error.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <map>

namespace imchat::directory::detail {

namespace asio = boost::asio;

namespace {

// How long a connection must have lasted for its end to restart the reconnection delays.
constexpr std::chrono::seconds stable_connection{1};
// How often a name awaited is asked for again: the server has no way to say when it comes.
constexpr std::chrono::milliseconds await_interval{250};

using request_encoder = std::function<void(std::uint32_t id, wire::bytes& out)>;

template <class Request>
request_encoder encoder_for(Request request) {
  return [request = std::move(request)](std::uint32_t id, wire::bytes& out) {
    auto copy = request;
    copy.request = id;
    wire::encode(out, copy);
  };
}

struct pending_request {
  request_encoder encode;
  completion done;
  directory_reply partial;  // RECORDS accumulate here until the last one
  abandon_flag abandoned;
};

class native_locator final : public locator_backend {
 public:
  native_locator(std::string directory, net::host_and_port address, locator_options options)
      : locator_backend(std::move(directory), std::move(options)),
        address_(std::move(address)),
        dialer_(net::dialer::create(io(), {.connection = {.self = wire::role::directory_client,
                                                          .expected_peer = wire::role::directory_server,
                                                          .limits = this->options().limits,
                                                          .tls = this->options().key
                                                                     ? net::tls_context::create(*this->options().key)
                                                                     : nullptr},
                                           .peer_timeout = this->options().peer_timeout,
                                           .reconnect_min = this->options().reconnect_min,
                                           .reconnect_max = this->options().reconnect_max})) {}

 private:
  std::shared_ptr<native_locator> self() { return std::static_pointer_cast<native_locator>(shared_from_this()); }

  void begin() override { connect(); }

  void end() override {
    // A connect to a host that drops SYNs would otherwise hold the thread (and so the
    // destructor) for the minutes the kernel retries.
    dialer_->cancel();
    if (connection_) connection_->close();
    for (auto& [id, request] : pending_)
      request.done({std::make_error_code(std::errc::operation_canceled), "locator closed", {}, {}});
    pending_.clear();
  }

  void send_register(const wire::register_request& request, completion done, abandon_flag abandoned) override {
    submit(encoder_for(request), std::move(done), std::move(abandoned));
  }
  void send_unregister(const std::string& name, completion done, abandon_flag abandoned) override {
    submit(encoder_for(wire::unregister_request{0, name}), std::move(done), std::move(abandoned));
  }
  void send_lookup(const std::string& name, completion done, abandon_flag abandoned) override {
    submit(encoder_for(wire::lookup_request{0, name}), std::move(done), std::move(abandoned));
  }
  void send_list(const std::string& prefix, completion done, abandon_flag abandoned) override {
    submit(encoder_for(wire::list_request{0, prefix}), std::move(done), std::move(abandoned));
  }

  // The server cannot say when a name comes: it is asked again every await_interval.
  void send_await(const std::string& name, completion done, abandon_flag cancelled) override {
    send_lookup(name, [self = self(), name, done = std::move(done), cancelled](directory_reply&& r) mutable {
      if (cancelled->load() || r.error == std::errc::operation_canceled) return;
      if (r.error != wire::error::not_found) return done(std::move(r));
      auto timer = std::make_shared<asio::steady_timer>(self->io(), await_interval);
      timer->async_wait([self, timer, name, done = std::move(done), cancelled](std::error_code ec) mutable {
        if (!ec && !self->stopping() && !cancelled->load()) self->send_await(name, std::move(done), cancelled);
      });
    }, cancelled);
  }

  // Queues a request; it is sent now if connected, else as soon as the connection is up.
  void submit(request_encoder encode, completion done, abandon_flag abandoned) {
    if (stopping()) return done({std::make_error_code(std::errc::operation_canceled), "locator closed", {}, {}});
    if (given_up()) return done(directory_reply(*given_up()));
    const auto id = next_id_++;
    auto& request = pending_[id] = pending_request{std::move(encode), std::move(done), {}, std::move(abandoned)};
    if (ready()) connection_->send_with([&](wire::bytes& out) { request.encode(id, out); });
  }

  bool ready() const { return connection_ && connection_->ready() && !connection_->closed(); }

  void connect() {
    if (stopping()) return;
    dialer_->dial({address_}, [self = self()](std::error_code ec, const std::string& why,
                                              std::shared_ptr<net::framed_connection> connection) {
      if (self->stopping()) return;
      if (ec) return self->retry(why);
      self->on_connected(std::move(connection));
    });
  }

  void on_connected(std::shared_ptr<net::framed_connection> connection) {
    connection_ = std::move(connection);
    std::weak_ptr<native_locator> weak = self();
    connection_->on_ready = [weak] {
      if (auto self = weak.lock()) self->on_ready();
    };
    connection_->on_frame = [weak](wire::frame_view frame) {
      if (auto self = weak.lock()) self->on_frame(frame);
    };
    connection_->on_closed = [weak](std::error_code ec, const std::string& detail) {
      if (auto self = weak.lock()) self->on_closed(ec, detail);
    };
    connection_->start();
  }

  void on_ready() {
    spdlog::debug("connected to the directory at {}", directory());
    ready_since_ = std::chrono::steady_clock::now();
    std::erase_if(pending_, [](const auto& entry) { return entry.second.abandoned && entry.second.abandoned->load(); });
    auto waiting = std::exchange(pending_, {});
    // Names first (sent at once, the connection being ready), so that a lookup sent in
    // the same batch already sees them.
    names().register_again();
    // Captured through an init-capture: clang before 16 cannot capture a structured binding.
    for (auto& [id, request] : waiting)
      connection_->send_with([&pending = request, request_id = id](wire::bytes& out) { pending.encode(request_id, out); });
    pending_.merge(waiting);
    set_connected(true);
  }

  void on_closed(std::error_code ec, const std::string& detail) {
    connection_.reset();
    if (stopping()) return;
    if (net::is_key_error(ec)) return give_up(ec);
    // Only a connection that lasted starts the delays afresh: one the directory turns
    // away as soon as it is made (too many connections) must not make us hammer it.
    if (ready_since_ && std::chrono::steady_clock::now() - *ready_since_ >= stable_connection) dialer_->reset_backoff();
    ready_since_.reset();
    std::string why = ec ? ec.message() : "closed";
    if (!detail.empty()) why += " (" + detail + ")";
    retry("connection lost: " + why);
  }

  // The keys do not allow a connection (none here and the directory has one, say): no
  // retry can mend that. Every request fails, now and from now on, saying so.
  void give_up(std::error_code ec) {
    const auto text = fmt::format("the directory at {}: {}", directory(), ec.message());
    spdlog::error("{}; not retrying", text);
    set_failure(ec, text);
    auto failed = std::exchange(pending_, {});
    for (auto& [id, request] : failed) request.done(directory_reply(*given_up()));
  }

  void retry(std::string why) {
    const bool was_connected = connected();
    set_connected(false, why);
    const auto delay = dialer_->retry_later([self = self()] { self->connect(); });
    if (was_connected)
      spdlog::warn("directory at {}: {}; reconnecting", directory(), why);
    else
      spdlog::debug("directory at {}: {}; retrying in {} ms", directory(), why, delay.count());
  }

  void on_frame(wire::frame_view frame) {
    if (frame.body.size() < 4) return protocol_error(frame, wire::error::truncated_body);
    const auto id = wire::body_reader(frame.body).u32();
    auto found = pending_.find(id);
    if (found == pending_.end()) return;  // a request whose caller gave up
    auto& request = found->second;
    std::error_code ec;
    switch (frame.type) {
      case wire::frame_type::ok: {
        wire::ok_reply ok;
        ec = wire::decode(frame.body, ok);
        break;
      }
      case wire::frame_type::fail: {
        wire::fail_reply fail;
        ec = wire::decode(frame.body, fail);
        request.partial.error = wire::error_from_wire(fail.code);
        request.partial.detail = fail.message;
        break;
      }
      case wire::frame_type::record: {
        wire::record_reply record;
        ec = wire::decode(frame.body, record);
        request.partial.record = std::move(record.record);
        break;
      }
      case wire::frame_type::records: {
        wire::records_reply records;
        ec = wire::decode(frame.body, records);
        if (ec) break;
        std::move(records.records.begin(), records.records.end(), std::back_inserter(request.partial.records));
        if (!records.last) return;
        break;
      }
      default:
        ec = wire::error::unexpected_frame;
    }
    if (ec) return protocol_error(frame, ec);
    auto done = std::move(request.done);
    auto result = std::move(request.partial);
    pending_.erase(found);
    done(std::move(result));
  }

  void protocol_error(wire::frame_view frame, std::error_code ec) {
    spdlog::error("directory at {} sent a bad {} frame: {}", directory(), wire::frame_type_name(frame.type),
                  ec.message());
    connection_->close_with_error(ec);
  }

  const net::host_and_port address_;
  std::shared_ptr<net::dialer> dialer_;
  std::optional<std::chrono::steady_clock::time_point> ready_since_;  // of the connection up now
  std::shared_ptr<net::framed_connection> connection_;
  std::map<std::uint32_t, pending_request> pending_;
  std::uint32_t next_id_ = 1;
};

}  // namespace

std::shared_ptr<locator_backend> make_native_locator(std::string directory, net::host_and_port address,
                                                     locator_options options) {
  return std::make_shared<native_locator>(std::move(directory), std::move(address), std::move(options));
}

}  // namespace imchat::directory::detail
