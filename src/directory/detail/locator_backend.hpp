#pragma once
// What a locator stands in front of: a client of one kind of directory, imchat's own
// server (native_locator) or an etcd cluster (etcd/etcd_locator). Each kind speaks its
// protocol on the backend's thread, through the asynchronous operations below; this base
// owns that thread and what every kind shares: the blocking calls with their timeouts,
// the names held and taken back when lost (held_names), and what the callers' threads
// read (connected, failure, the names lost).

#include "directory/detail/held_names.hpp"
#include "directory/locator.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace imchat::directory::detail {

// What a finished request hands back to whoever waits for it.
struct directory_reply {
  std::error_code error;
  std::string detail;  // the directory's message, or why it could not be asked
  std::optional<wire::record> record;
  std::vector<wire::record> records;
};

using completion = std::function<void(directory_reply&&)>;
// Set by a caller that stopped waiting: the request is dropped instead of resent.
using abandon_flag = std::shared_ptr<std::atomic<bool>>;

class locator_backend : public std::enable_shared_from_this<locator_backend> {
 public:
  locator_backend(std::string directory, locator_options options);
  virtual ~locator_backend();
  locator_backend(const locator_backend&) = delete;
  locator_backend& operator=(const locator_backend&) = delete;

  // Starts the backend's thread; stop() ends what is in flight (operation_canceled) and
  // joins it.
  void start();
  void stop();

  // The blocking calls: each waits at most `timeout`, and throws as locator.hpp says.
  void register_object(wire::register_request request, std::chrono::milliseconds timeout);
  void unregister_object(const std::string& name, std::chrono::milliseconds timeout);
  std::optional<wire::record> lookup(const std::string& name, std::chrono::milliseconds timeout);
  std::vector<wire::record> list(const std::string& prefix, std::chrono::milliseconds timeout);
  // The asynchronous ones, for the kernel's threads and interactive programs.
  void async_lookup(std::string name, locator::lookup_handler handler);
  std::shared_ptr<void> async_await(std::string name, locator::lookup_handler handler);

  const std::string& directory() const noexcept { return directory_; }
  const locator_options& options() const noexcept { return options_; }
  std::vector<lost_name> lost_names() const;
  bool connected() const;
  bool wait_connected(std::chrono::milliseconds timeout) const;
  std::optional<std::system_error> failure() const;

 protected:
  // The protocol, on the backend's thread. Each request calls `done` once: with the
  // directory's answer, or operation_canceled when the backend stops. `abandoned` (may be
  // null) says the caller stopped waiting.
  virtual void begin() = 0;  // the thread has started: connect
  virtual void end() = 0;    // stopping: close everything, cancel what waits
  virtual void send_register(const wire::register_request& request, completion done, abandon_flag abandoned) = 0;
  virtual void send_unregister(const std::string& name, completion done, abandon_flag abandoned) = 0;
  virtual void send_lookup(const std::string& name, completion done, abandon_flag abandoned) = 0;
  virtual void send_list(const std::string& prefix, completion done, abandon_flag abandoned) = 0;
  // Calls `done` once `name` is registered, unless `cancelled` is set first (the caller's
  // token went); the answer that ends it may also be an error (the backend gave up).
  virtual void send_await(const std::string& name, completion done, abandon_flag cancelled) = 0;
  // Some wait's token went: let go of what the cancelled waits hold.
  virtual void forget_cancelled_waits() {}

  // For the backends, on their thread.
  boost::asio::io_context& io() noexcept { return io_; }
  held_names& names() noexcept { return *held_; }
  bool stopping() const noexcept { return stopping_; }
  void set_connected(bool up, std::string error = {});
  // The backend gave up for good, saying `why`: every request fails so from now on.
  void set_failure(std::error_code ec, const std::string& why);
  // What every request gets once set_failure() ran, or none.
  const std::optional<directory_reply>& given_up() const noexcept { return given_up_; }

 private:
  // Runs `send` on the backend's thread and waits up to `timeout` for its answer; throws
  // on timeout and on an error (not_found only when `not_found_is_error`).
  directory_reply call(std::function<void(completion, abandon_flag)> send, std::chrono::milliseconds timeout,
                       bool not_found_is_error);
  std::string last_error_text() const;

  const std::string directory_;
  const locator_options options_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
  std::unique_ptr<held_names> held_;  // on the backend's thread
  bool stopping_ = false;             // on the backend's thread
  std::optional<directory_reply> given_up_;

  // Shared with the callers' threads.
  mutable std::mutex state_mutex_;
  mutable std::condition_variable state_changed_;
  bool connected_ = false;
  std::string last_error_;
  std::vector<lost_name> lost_snapshot_;
  std::optional<std::system_error> failure_;
};

}  // namespace imchat::directory::detail
