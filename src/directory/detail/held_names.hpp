#pragma once
// The names a locator registered, kept so that they can be registered again when the
// directory forgot them (imchat's server after a reconnection, etcd when a lease ran
// out). A name someone else took meanwhile is not given up: it is asked for again and
// again, with a jittered delay (locator_options::reclaim_*), until its other holder has
// gone, and said to be lost (lost_names(), the callbacks, the log) until then.
// Lives on the locator backend's thread, like everything it calls.

#include "directory/locator.hpp"
#include "net/reconnect_backoff.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace imchat::directory::detail {

class held_names {
 public:
  // One attempt to register a name: `done` gets the directory's refusal (and its words),
  // or no error; operation_canceled when the locator stops.
  using attempt_done = std::function<void(std::error_code, const std::string& detail)>;
  using register_function = std::function<void(const wire::register_request&, attempt_done)>;
  using unregister_function = std::function<void(const std::string& name)>;
  using publish_function = std::function<void(std::vector<lost_name>)>;

  held_names(boost::asio::io_context& io, const locator_options& options, register_function register_name,
             unregister_function unregister_name, publish_function publish);

  // A name registered; one given back.
  void hold(wire::register_request request);
  void forget(const std::string& name);
  bool holds(const std::string& name) const { return held_.contains(name); }

  // The directory forgot this locator's names: each is registered again; one that someone
  // else took meanwhile is lost, and taken back as soon as it can be.
  void register_again();

  // Cancels every attempt to take a name back.
  void stop();

 private:
  struct lost_registration {
    wire::register_request request;
    std::string why;
    net::reconnect_backoff backoff;
    std::unique_ptr<boost::asio::steady_timer> timer;
    std::chrono::steady_clock::time_point next_log;  // when to say again that it is still lost
  };

  void start_reclaiming(const wire::register_request& request, const std::string& why);
  void schedule_reclaim(const std::string& name, lost_registration& lost);
  void reclaim(const std::string& name);
  void reclaimed(const std::string& name, std::error_code ec, const std::string& detail);
  void publish();

  boost::asio::io_context& io_;
  const locator_options& options_;
  register_function register_name_;
  unregister_function unregister_name_;
  publish_function publish_;
  bool stopped_ = false;
  std::map<std::string, wire::register_request> held_;
  std::map<std::string, lost_registration> lost_;  // taken by another, being reclaimed
};

}  // namespace imchat::directory::detail
