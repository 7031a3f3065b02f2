#include "directory/detail/held_names.hpp"

#include <spdlog/spdlog.h>

namespace imchat::directory::detail {

held_names::held_names(boost::asio::io_context& io, const locator_options& options, register_function register_name,
                       unregister_function unregister_name, publish_function publish)
    : io_(io),
      options_(options),
      register_name_(std::move(register_name)),
      unregister_name_(std::move(unregister_name)),
      publish_(std::move(publish)) {}

void held_names::hold(wire::register_request request) {
  auto name = request.name;
  held_[std::move(name)] = std::move(request);
}

void held_names::forget(const std::string& name) {
  held_.erase(name);
  if (const auto lost = lost_.find(name); lost != lost_.end()) {
    lost->second.timer->cancel();
    lost_.erase(lost);
    publish();
  }
}

void held_names::register_again() {
  for (const auto& [name, request] : held_) {
    register_name_(request, [this, request = request](std::error_code ec, const std::string& detail) {
      if (!ec || ec == std::errc::operation_canceled || stopped_) return;
      // Given back while the request was on its way: nothing to keep.
      if (held_.erase(request.name) == 0) return;
      start_reclaiming(request, detail);
    });
  }
}

void held_names::stop() {
  stopped_ = true;
  for (auto& [name, lost] : lost_) lost.timer->cancel();
  lost_.clear();
}

// A name lost to another registrant. Going on unregistered would leave the object
// unfindable for good with only one log line to show for it, so the locator keeps asking
// for the name until the other holder has gone.
void held_names::start_reclaiming(const wire::register_request& request, const std::string& why) {
  spdlog::error("lost the name '{}' on registering it again with the directory: {}; trying to get it back", request.name,
                why);
  auto& lost = lost_
                   .try_emplace(request.name,
                                lost_registration{request, why,
                                                  net::reconnect_backoff(options_.reclaim_min, options_.reclaim_max),
                                                  std::make_unique<boost::asio::steady_timer>(io_),
                                                  std::chrono::steady_clock::now() + options_.reclaim_log_interval})
                   .first->second;
  publish();
  if (options_.on_registration_lost) options_.on_registration_lost(request.name, why);
  schedule_reclaim(request.name, lost);
}

void held_names::schedule_reclaim(const std::string& name, lost_registration& lost) {
  lost.timer->expires_after(lost.backoff.next());
  lost.timer->async_wait([this, name](std::error_code ec) {
    if (!ec) reclaim(name);
  });
}

// One attempt, queued like any request: sent now, or when the directory is back.
void held_names::reclaim(const std::string& name) {
  if (stopped_ || !lost_.contains(name)) return;
  register_name_(lost_.at(name).request,
                 [this, name](std::error_code ec, const std::string& detail) { reclaimed(name, ec, detail); });
}

void held_names::reclaimed(const std::string& name, std::error_code ec, const std::string& detail) {
  if (ec == std::errc::operation_canceled || stopped_) return;
  const auto found = lost_.find(name);
  if (found == lost_.end()) {
    // Given back while the attempt was on its way: give back what it got.
    if (!ec) unregister_name_(name);
    return;
  }
  auto& lost = found->second;
  if (!ec) {
    spdlog::info("got the name '{}' back from the directory", name);
    held_[name] = std::move(lost.request);
    lost_.erase(found);
    publish();
    if (options_.on_registration_regained) options_.on_registration_regained(name);
    return;
  }
  if (detail != lost.why) {
    lost.why = detail;
    publish();
  }
  if (const auto now = std::chrono::steady_clock::now(); now >= lost.next_log) {
    spdlog::error("still cannot get the name '{}' back: {}; retrying", name, lost.why);
    lost.next_log = now + options_.reclaim_log_interval;
  }
  schedule_reclaim(name, lost);
}

void held_names::publish() {
  std::vector<lost_name> names;
  for (const auto& [name, lost] : lost_) names.push_back({name, lost.why});
  publish_(std::move(names));
}

}  // namespace imchat::directory::detail
