#include "directory/locator.hpp"

#include "directory/directory_address.hpp"
#include "net/dialer.hpp"
#include "net/framed_connection.hpp"
#include "net/reconnect_backoff.hpp"
#include "net/tls_context.hpp"
#include "net/tls_error.hpp"
#include "wire/body_reader.hpp"
#include "wire/error.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>

namespace imchat::directory {

namespace asio = boost::asio;

namespace {

// How long a connection must have lasted for its end to restart the reconnection delays.
constexpr std::chrono::seconds stable_connection{1};

// What a finished request hands back to whoever waits for it.
struct reply {
  std::error_code error;
  std::string detail;  // the directory's message, or why it could not be asked
  std::optional<wire::record> record;
  std::vector<wire::record> records;
};

using completion = std::function<void(reply&&)>;
using request_encoder = std::function<void(std::uint32_t id, wire::bytes& out)>;

request_encoder encoder_for(wire::register_request request) {
  return [request = std::move(request)](std::uint32_t id, wire::bytes& out) {
    auto copy = request;
    copy.request = id;
    wire::encode(out, copy);
  };
}

struct pending_request {
  request_encoder encode;
  completion done;
  reply partial;  // RECORDS accumulate here until the last one
  // Set by a caller that stopped waiting: the request is dropped instead of resent.
  std::shared_ptr<std::atomic<bool>> abandoned;
};

}  // namespace

class locator::impl : public std::enable_shared_from_this<impl> {
 public:
  impl(std::string directory, net::host_and_port address, locator_options options)
      : directory_(std::move(directory)),
        address_(std::move(address)),
        options_(std::move(options)),
        work_(asio::make_work_guard(io_)),
        dialer_(net::dialer::create(io_, {.connection = {.self = wire::role::directory_client,
                                                         .expected_peer = wire::role::directory_server,
                                                         .limits = options_.limits,
                                                         .tls = options_.key ? net::tls_context::create(*options_.key)
                                                                             : nullptr},
                                          .peer_timeout = options_.peer_timeout,
                                          .reconnect_min = options_.reconnect_min,
                                          .reconnect_max = options_.reconnect_max})) {}

  void start() {
    asio::post(io_, [self = shared_from_this()] { self->connect(); });
    thread_ = std::thread([this] { io_.run(); });
  }

  void stop() {
    asio::post(io_, [this] {
      stopping_ = true;
      // A connect to a host that drops SYNs would otherwise hold the thread (and so the
      // destructor) for the minutes the kernel retries.
      dialer_->cancel();
      if (connection_) connection_->close();
      for (auto& [name, lost] : lost_) lost.timer->cancel();
      lost_.clear();
      for (auto& [id, request] : pending_)
        request.done({std::make_error_code(std::errc::operation_canceled), "locator closed", {}, {}});
      pending_.clear();
    });
    work_.reset();
    if (thread_.joinable()) thread_.join();
  }

  const std::string& directory() const noexcept { return directory_; }
  std::chrono::milliseconds default_timeout() const noexcept { return options_.timeout; }

  // Queues a request; it is sent now if connected, else as soon as the connection is up.
  void submit(request_encoder encode, completion done,
              std::shared_ptr<std::atomic<bool>> abandoned = nullptr) {
    asio::post(io_, [self = shared_from_this(), encode = std::move(encode), done = std::move(done),
                     abandoned = std::move(abandoned)]() mutable {
      if (self->stopping_) {
        done({std::make_error_code(std::errc::operation_canceled), "locator closed", {}, {}});
        return;
      }
      if (self->given_up_) {
        done(reply(*self->given_up_));
        return;
      }
      const auto id = self->next_id_++;
      auto& request = self->pending_[id] =
          pending_request{std::move(encode), std::move(done), {}, std::move(abandoned)};
      if (self->ready()) self->connection_->send_with([&](wire::bytes& out) { request.encode(id, out); });
    });
  }

  // Runs a request and waits for its reply; throws on timeout and on a FAIL.
  reply call(request_encoder encode, std::chrono::milliseconds timeout, bool not_found_is_error) {
    auto promise = std::make_shared<std::promise<reply>>();
    auto future = promise->get_future();
    auto abandoned = std::make_shared<std::atomic<bool>>(false);
    submit(std::move(encode), [promise](reply&& r) { promise->set_value(std::move(r)); }, abandoned);
    if (future.wait_for(timeout) != std::future_status::ready) {
      abandoned->store(true);
      const auto why = connected() ? "the directory at " + directory_ + " did not answer in time"
                                   : "cannot reach the directory at " + directory_ + last_error_text();
      throw std::system_error(std::make_error_code(std::errc::timed_out), why);
    }
    auto result = future.get();
    if (result.error && (not_found_is_error || result.error != wire::error::not_found))
      throw std::system_error(result.error, result.detail.empty() ? result.error.message() : result.detail);
    return result;
  }

  void remember_registration(wire::register_request request) {
    asio::post(io_, [self = shared_from_this(), request = std::move(request)] {
      self->held_[request.name] = request;
    });
  }
  void forget_registration(std::string name) {
    asio::post(io_, [self = shared_from_this(), name = std::move(name)] {
      self->held_.erase(name);
      if (const auto lost = self->lost_.find(name); lost != self->lost_.end()) {
        lost->second.timer->cancel();
        self->lost_.erase(lost);
        self->publish_lost();
      }
    });
  }

  std::vector<lost_name> lost_names() const {
    std::lock_guard lock(state_mutex_);
    return lost_snapshot_;
  }

  bool connected() const {
    std::lock_guard lock(state_mutex_);
    return connected_;
  }
  bool wait_connected(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(state_mutex_);
    return state_changed_.wait_for(lock, timeout, [this] { return connected_ || failure_; });
  }

  std::optional<std::system_error> failure() const {
    std::lock_guard lock(state_mutex_);
    return failure_;
  }

 private:
  bool ready() const { return connection_ && connection_->ready() && !connection_->closed(); }

  std::string last_error_text() const {
    std::lock_guard lock(state_mutex_);
    return last_error_.empty() ? "" : ": " + last_error_;
  }

  void set_connected(bool up, std::string error = {}) {
    {
      std::lock_guard lock(state_mutex_);
      connected_ = up;
      if (!error.empty()) last_error_ = std::move(error);
    }
    state_changed_.notify_all();
  }

  void connect() {
    if (stopping_) return;
    dialer_->dial({address_}, [self = shared_from_this()](std::error_code ec, const std::string& why,
                                                          std::shared_ptr<net::framed_connection> connection) {
      if (self->stopping_) return;
      if (ec) return self->retry(why);
      self->on_connected(std::move(connection));
    });
  }

  void on_connected(std::shared_ptr<net::framed_connection> connection) {
    connection_ = std::move(connection);
    std::weak_ptr<impl> weak = shared_from_this();
    connection_->on_ready = [weak] {
      if (auto self = weak.lock()) self->on_ready();
    };
    connection_->on_frame = [weak](wire::frame&& frame) {
      if (auto self = weak.lock()) self->on_frame(std::move(frame));
    };
    connection_->on_closed = [weak](std::error_code ec, const std::string& detail) {
      if (auto self = weak.lock()) self->on_closed(ec, detail);
    };
    connection_->start();
  }

  void on_ready() {
    spdlog::debug("connected to the directory at {}", directory_);
    ready_since_ = std::chrono::steady_clock::now();
    // Names first, so that a lookup sent in the same batch already sees them.
    for (const auto& [name, request] : held_) reregister(request);
    std::erase_if(pending_, [](const auto& entry) {
      return entry.second.abandoned && entry.second.abandoned->load();
    });
    // Captured through an init-capture: clang before 16 cannot capture a structured binding.
    for (auto& [id, request] : pending_)
      connection_->send_with([&pending = request, request_id = id](wire::bytes& out) { pending.encode(request_id, out); });
    set_connected(true);
  }

  void reregister(wire::register_request request) {
    const auto id = next_id_++;
    pending_[id] = pending_request{
        encoder_for(request),
        [self = shared_from_this(), request](reply&& r) {
          if (!r.error || r.error == std::errc::operation_canceled) return;
          // Unregistered while the request was on its way: nothing to keep.
          if (self->held_.erase(request.name) == 0) return;
          self->start_reclaiming(request, r.detail);
        },
        {},
        nullptr};
  }

  struct lost_registration {
    wire::register_request request;
    std::string why;
    net::reconnect_backoff backoff;
    std::unique_ptr<asio::steady_timer> timer;
    std::chrono::steady_clock::time_point next_log;  // when to say again that it is still lost
  };

  // A name lost to another registrant. Going on unregistered would leave the object
  // unfindable for good with only one log line to show for it, so the locator keeps
  // asking for the name until the other holder has gone.
  void start_reclaiming(const wire::register_request& request, const std::string& why) {
    spdlog::error("lost the name '{}' after reconnecting to the directory: {}; trying to get it back",
                  request.name, why);
    auto& lost = lost_
                     .try_emplace(request.name,
                                  lost_registration{request, why,
                                                    net::reconnect_backoff(options_.reclaim_min, options_.reclaim_max),
                                                    std::make_unique<asio::steady_timer>(io_),
                                                    std::chrono::steady_clock::now() + options_.reclaim_log_interval})
                     .first->second;
    publish_lost();
    if (options_.on_registration_lost) options_.on_registration_lost(request.name, why);
    schedule_reclaim(request.name, lost);
  }

  void schedule_reclaim(const std::string& name, lost_registration& lost) {
    lost.timer->expires_after(lost.backoff.next());
    lost.timer->async_wait([self = shared_from_this(), name](std::error_code ec) {
      if (!ec) self->reclaim(name);
    });
  }

  // One attempt. Queued like any request: sent now, or when the connection is back.
  void reclaim(const std::string& name) {
    if (stopping_ || !lost_.contains(name)) return;
    const auto id = next_id_++;
    pending_[id] = pending_request{encoder_for(lost_.at(name).request),
                                   [self = shared_from_this(), name](reply&& r) { self->reclaimed(name, r); },
                                   {},
                                   nullptr};
    if (ready()) connection_->send_with([&](wire::bytes& out) { pending_[id].encode(id, out); });
  }

  void reclaimed(const std::string& name, const reply& r) {
    if (r.error == std::errc::operation_canceled) return;
    const auto found = lost_.find(name);
    if (found == lost_.end()) {
      // Unregistered while the attempt was on its way: give back what it got.
      if (!r.error) submit([name](std::uint32_t id, wire::bytes& out) { wire::encode(out, wire::unregister_request{id, name}); },
                           [](reply&&) {});
      return;
    }
    auto& lost = found->second;
    if (!r.error) {
      spdlog::info("got the name '{}' back from the directory", name);
      held_[name] = std::move(lost.request);
      lost_.erase(found);
      publish_lost();
      if (options_.on_registration_regained) options_.on_registration_regained(name);
      return;
    }
    if (r.detail != lost.why) {
      lost.why = r.detail;
      publish_lost();
    }
    if (const auto now = std::chrono::steady_clock::now(); now >= lost.next_log) {
      spdlog::error("still cannot get the name '{}' back: {}; retrying", name, lost.why);
      lost.next_log = now + options_.reclaim_log_interval;
    }
    schedule_reclaim(name, lost);
  }

  // lost_names() for the callers' threads.
  void publish_lost() {
    std::vector<lost_name> names;
    for (const auto& [name, lost] : lost_) names.push_back({name, lost.why});
    std::lock_guard lock(state_mutex_);
    lost_snapshot_ = std::move(names);
  }

  void on_closed(std::error_code ec, const std::string& detail) {
    connection_.reset();
    if (stopping_) return;
    if (net::is_key_error(ec)) return give_up(ec);
    // Only a connection that lasted starts the delays afresh: one the directory turns
    // away as soon as it is made (too many connections) must not make us hammer it.
    if (ready_since_ && std::chrono::steady_clock::now() - *ready_since_ >= stable_connection)
      dialer_->reset_backoff();
    ready_since_.reset();
    std::string why = ec ? ec.message() : "closed";
    if (!detail.empty()) why += " (" + detail + ")";
    retry("connection lost: " + why);
  }

  // The keys do not allow a connection (none here and the directory has one, say): no
  // retry can mend that. Every request fails, now and from now on, saying so.
  void give_up(std::error_code ec) {
    const auto text = fmt::format("the directory at {}: {}", directory_, ec.message());
    spdlog::error("{}; not retrying", text);
    given_up_ = reply{ec, text, {}, {}};
    {
      std::lock_guard lock(state_mutex_);
      connected_ = false;
      failure_ = std::system_error(ec, text);
    }
    state_changed_.notify_all();
    auto failed = std::exchange(pending_, {});
    for (auto& [id, request] : failed) request.done(reply(*given_up_));
  }

  void retry(std::string why) {
    const bool was_connected = connected();
    set_connected(false, why);
    const auto delay = dialer_->retry_later([self = shared_from_this()] { self->connect(); });
    if (was_connected)
      spdlog::warn("directory at {}: {}; reconnecting", directory_, why);
    else
      spdlog::debug("directory at {}: {}; retrying in {} ms", directory_, why, delay.count());
  }

  void on_frame(wire::frame&& frame) {
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

  void protocol_error(const wire::frame& frame, std::error_code ec) {
    spdlog::error("directory at {} sent a bad {} frame: {}", directory_, wire::frame_type_name(frame.type),
                  ec.message());
    connection_->close_with_error(ec);
  }

  const std::string directory_;
  const net::host_and_port address_;
  const locator_options options_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::shared_ptr<net::dialer> dialer_;
  std::optional<std::chrono::steady_clock::time_point> ready_since_;  // of the connection up now
  std::thread thread_;

  // Owned by the locator's thread.
  std::shared_ptr<net::framed_connection> connection_;
  std::map<std::uint32_t, pending_request> pending_;
  std::map<std::string, wire::register_request> held_;
  std::map<std::string, lost_registration> lost_;  // taken by another, being reclaimed
  std::uint32_t next_id_ = 1;
  bool stopping_ = false;
  std::optional<reply> given_up_;  // what every request gets once give_up() ran

  // Shared with the callers' threads.
  mutable std::mutex state_mutex_;
  mutable std::condition_variable state_changed_;
  bool connected_ = false;
  std::string last_error_;
  std::vector<lost_name> lost_snapshot_;
  std::optional<std::system_error> failure_;
};

locator::locator(std::string_view directory, locator_options options) {
  net::host_and_port address;
  std::string why;
  if (const auto error = parse_directory_address(directory, address, why)) throw std::system_error(error, why);
  impl_ = std::make_shared<impl>(std::string(directory), std::move(address), std::move(options));
  impl_->start();
}

locator::~locator() { impl_->stop(); }

const std::string& locator::directory() const noexcept { return impl_->directory(); }

void locator::register_object(wire::object_kind kind, std::string_view name,
                              std::vector<std::string> endpoints) {
  register_object(kind, name, std::move(endpoints), impl_->default_timeout());
}

void locator::register_object(wire::object_kind kind, std::string_view name,
                              std::vector<std::string> endpoints, std::chrono::milliseconds timeout) {
  wire::register_request request{0, kind, std::string(name), std::move(endpoints)};
  impl_->call(encoder_for(request), timeout, true);
  impl_->remember_registration(std::move(request));
}

void locator::unregister_object(std::string_view name) {
  impl_->forget_registration(std::string(name));
  impl_->call(
      [name = std::string(name)](std::uint32_t id, wire::bytes& out) {
        wire::encode(out, wire::unregister_request{id, name});
      },
      impl_->default_timeout(), true);
}

std::optional<wire::record> locator::lookup(std::string_view name) {
  return lookup(name, impl_->default_timeout());
}

std::optional<wire::record> locator::lookup(std::string_view name, std::chrono::milliseconds timeout) {
  return impl_
      ->call([name = std::string(name)](std::uint32_t id,
                                        wire::bytes& out) { wire::encode(out, wire::lookup_request{id, name}); },
             timeout, false)
      .record;
}

std::vector<wire::record> locator::list(std::string_view prefix) {
  return list(prefix, impl_->default_timeout());
}

std::vector<wire::record> locator::list(std::string_view prefix, std::chrono::milliseconds timeout) {
  return impl_
      ->call([prefix = std::string(prefix)](std::uint32_t id,
                                            wire::bytes& out) { wire::encode(out, wire::list_request{id, prefix}); },
             timeout, true)
      .records;
}

void locator::async_lookup(std::string name, lookup_handler handler) {
  impl_->submit(
      [name](std::uint32_t id, wire::bytes& out) { wire::encode(out, wire::lookup_request{id, name}); },
      [handler = std::move(handler)](reply&& r) {
        if (r.error == wire::error::not_found) return handler({}, std::nullopt);
        handler(r.error, std::move(r.record));
      });
}

std::vector<lost_name> locator::lost_names() const { return impl_->lost_names(); }

bool locator::connected() const { return impl_->connected(); }

std::optional<std::system_error> locator::failure() const { return impl_->failure(); }

bool locator::wait_connected(std::chrono::milliseconds timeout) const {
  return impl_->wait_connected(timeout);
}

}  // namespace imchat::directory
