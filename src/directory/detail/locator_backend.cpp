#include "directory/detail/locator_backend.hpp"

#include "wire/error.hpp"

#include <boost/asio/post.hpp>

#include <future>

namespace imchat::directory::detail {

namespace asio = boost::asio;

locator_backend::locator_backend(std::string directory, locator_options options)
    : directory_(std::move(directory)), options_(std::move(options)), work_(asio::make_work_guard(io_)) {}

locator_backend::~locator_backend() = default;

void locator_backend::start() {
  std::weak_ptr<locator_backend> weak = shared_from_this();
  held_ = std::make_unique<held_names>(
      io_, options_,
      [weak](const wire::register_request& request, held_names::attempt_done done) {
        if (auto self = weak.lock())
          self->send_register(request, [done = std::move(done)](directory_reply&& r) { done(r.error, r.detail); },
                              nullptr);
      },
      [weak](const std::string& name) {
        if (auto self = weak.lock()) self->send_unregister(name, [](directory_reply&&) {}, nullptr);
      },
      [weak](std::vector<lost_name> names) {
        auto self = weak.lock();
        if (!self) return;
        std::lock_guard lock(self->state_mutex_);
        self->lost_snapshot_ = std::move(names);
      });
  asio::post(io_, [self = shared_from_this()] { self->begin(); });
  thread_ = std::thread([this] { io_.run(); });
}

void locator_backend::stop() {
  asio::post(io_, [this] {
    stopping_ = true;
    held_->stop();
    end();
  });
  work_.reset();
  if (thread_.joinable()) thread_.join();
}

directory_reply locator_backend::call(std::function<void(completion, abandon_flag)> send,
                                      std::chrono::milliseconds timeout, bool not_found_is_error) {
  auto promise = std::make_shared<std::promise<directory_reply>>();
  auto future = promise->get_future();
  auto abandoned = std::make_shared<std::atomic<bool>>(false);
  asio::post(io_, [self = shared_from_this(), send = std::move(send), promise, abandoned] {
    completion done = [promise](directory_reply&& r) { promise->set_value(std::move(r)); };
    if (self->stopping_) return done({std::make_error_code(std::errc::operation_canceled), "locator closed", {}, {}});
    if (self->given_up_) return done(directory_reply(*self->given_up_));
    send(std::move(done), abandoned);
  });
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

void locator_backend::register_object(wire::register_request request, std::chrono::milliseconds timeout) {
  call([this, request](completion done, abandon_flag abandoned) { send_register(request, std::move(done), std::move(abandoned)); },
       timeout, true);
  asio::post(io_, [self = shared_from_this(), request = std::move(request)]() mutable {
    if (!self->stopping_) self->held_->hold(std::move(request));
  });
}

void locator_backend::unregister_object(const std::string& name, std::chrono::milliseconds timeout) {
  asio::post(io_, [self = shared_from_this(), name] {
    if (!self->stopping_) self->held_->forget(name);
  });
  call([this, name](completion done, abandon_flag abandoned) { send_unregister(name, std::move(done), std::move(abandoned)); },
       timeout, true);
}

std::optional<wire::record> locator_backend::lookup(const std::string& name, std::chrono::milliseconds timeout) {
  return call([this, name](completion done, abandon_flag abandoned) { send_lookup(name, std::move(done), std::move(abandoned)); },
              timeout, false)
      .record;
}

std::vector<wire::record> locator_backend::list(const std::string& prefix, std::chrono::milliseconds timeout) {
  return call([this, prefix](completion done, abandon_flag abandoned) { send_list(prefix, std::move(done), std::move(abandoned)); },
              timeout, true)
      .records;
}

void locator_backend::async_lookup(std::string name, locator::lookup_handler handler) {
  asio::post(io_, [self = shared_from_this(), name = std::move(name), handler = std::move(handler)]() mutable {
    completion done = [handler = std::move(handler)](directory_reply&& r) {
      if (r.error == wire::error::not_found) return handler({}, std::nullopt);
      handler(r.error, std::move(r.record));
    };
    if (self->stopping_) return done({std::make_error_code(std::errc::operation_canceled), "locator closed", {}, {}});
    if (self->given_up_) return done(directory_reply(*self->given_up_));
    self->send_lookup(name, std::move(done), nullptr);
  });
}

std::shared_ptr<void> locator_backend::async_await(std::string name, locator::lookup_handler handler) {
  auto cancelled = std::make_shared<std::atomic<bool>>(false);
  asio::post(io_, [self = shared_from_this(), name = std::move(name), handler = std::move(handler), cancelled]() mutable {
    completion done = [handler = std::move(handler), cancelled](directory_reply&& r) {
      if (!cancelled->load()) handler(r.error, std::move(r.record));
    };
    if (self->stopping_) return done({std::make_error_code(std::errc::operation_canceled), "locator closed", {}, {}});
    if (self->given_up_) return done(directory_reply(*self->given_up_));
    self->send_await(name, std::move(done), cancelled);
  });
  // The token: while it lives, the wait goes on; when it goes, the backend lets go of
  // what the wait holds (a watch, a timer).
  std::weak_ptr<locator_backend> weak = shared_from_this();
  return std::shared_ptr<void>(nullptr, [weak, cancelled](void*) {
    cancelled->store(true);
    if (auto self = weak.lock())
      asio::post(self->io_, [weak] {
        if (auto backend = weak.lock(); backend && !backend->stopping_) backend->forget_cancelled_waits();
      });
  });
}

std::vector<lost_name> locator_backend::lost_names() const {
  std::lock_guard lock(state_mutex_);
  return lost_snapshot_;
}

bool locator_backend::connected() const {
  std::lock_guard lock(state_mutex_);
  return connected_;
}

bool locator_backend::wait_connected(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_mutex_);
  return state_changed_.wait_for(lock, timeout, [this] { return connected_ || failure_; });
}

std::optional<std::system_error> locator_backend::failure() const {
  std::lock_guard lock(state_mutex_);
  return failure_;
}

void locator_backend::set_connected(bool up, std::string error) {
  {
    std::lock_guard lock(state_mutex_);
    connected_ = up;
    if (!error.empty()) last_error_ = std::move(error);
  }
  state_changed_.notify_all();
}

void locator_backend::set_failure(std::error_code ec, const std::string& why) {
  given_up_ = directory_reply{ec, why, {}, {}};
  {
    std::lock_guard lock(state_mutex_);
    connected_ = false;
    failure_ = std::system_error(ec, why);
  }
  state_changed_.notify_all();
}

std::string locator_backend::last_error_text() const {
  std::lock_guard lock(state_mutex_);
  return last_error_.empty() ? "" : ": " + last_error_;
}

}  // namespace imchat::directory::detail
