#include "directory/etcd/etcd_client.hpp"

#include "directory/etcd/etcd_codec.hpp"
#include "util/printable_text.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace imchat::directory::etcd {

namespace asio = boost::asio;

std::shared_ptr<etcd_client> etcd_client::create(asio::io_context& io, client_settings settings) {
  return std::make_shared<etcd_client>(io, std::move(settings));
}

etcd_client::etcd_client(asio::io_context& io, client_settings settings)
    : io_(io),
      settings_(std::move(settings)),
      backoff_(settings_.retry_min, settings_.retry_max),
      pause_(io),
      probe_(io) {}

void etcd_client::start() {
  call(settings_.probe_path, settings_.probe_body, [](std::error_code, const std::string&, std::string) {});
  schedule_probe();
}

void etcd_client::stop() {
  stopped_ = true;
  pause_.cancel();
  probe_.cancel();
  if (auto open = std::exchange(connection_, nullptr)) open->close();
  for (auto& waiting : std::exchange(queue_, {}))
    waiting.done(std::make_error_code(std::errc::operation_canceled), "closed", {});
}

void etcd_client::call(std::string_view path, std::string body, reply_handler done,
                       std::shared_ptr<std::atomic<bool>> abandoned) {
  if (stopped_) return done(std::make_error_code(std::errc::operation_canceled), "closed", {});
  queue_.push_back({std::string(path), std::move(body), std::move(done), std::move(abandoned)});
  process();
}

std::shared_ptr<member_connection> etcd_client::open_stream(std::string_view path, std::string body,
                                                            member_connection::line_handler on_line,
                                                            member_connection::reply_handler done) {
  auto stream = member_connection::create(io_, member_in_use(), settings_.connection);
  stream->stream(path, std::move(body), token_, std::move(on_line), std::move(done));
  return stream;
}

std::shared_ptr<member_connection> etcd_client::connection() {
  if (!connection_) connection_ = member_connection::create(io_, member_in_use(), settings_.connection);
  return connection_;
}

void etcd_client::process() {
  if (stopped_ || in_flight_) return;
  while (!queue_.empty() && queue_.front().abandoned && queue_.front().abandoned->load()) queue_.pop_front();
  if (queue_.empty()) return;
  in_flight_ = true;
  if (!settings_.user.empty() && token_.empty() && !authentication_off_) return authenticate();
  const auto& next = queue_.front();
  connection()->post(next.path, next.body, token_,
                     [self = shared_from_this()](std::error_code ec, const std::string& why, unsigned status,
                                                 std::string body) { self->answered(ec, why, status, std::move(body)); });
}

void etcd_client::authenticate() {
  authenticating_ = true;
  connection()->post(authenticate_path, authenticate_request(settings_.user, settings_.password), {},
                     [self = shared_from_this()](std::error_code ec, const std::string& why, unsigned status,
                                                 std::string body) { self->answered(ec, why, status, std::move(body)); });
}

void etcd_client::answered(std::error_code ec, const std::string& why, unsigned status, std::string body) {
  in_flight_ = false;
  const bool was_authenticating = std::exchange(authenticating_, false);
  if (stopped_ || ec == std::errc::operation_canceled) return;
  if (ec) {
    if (is_fatal(ec)) return fatal(ec, fmt::format("{}: {}", net::format_endpoint(member_in_use()), why));
    member_failed(why);
    return process();
  }
  // etcd's refusal comes as a JSON error, with the HTTP status its gRPC code maps to, or
  // with 200 inside a streamed reply ({"error":{...}}).
  std::string refusal;
  auto refused = parse_reply(body, refusal);
  if (refused == error::malformed_reply) {
    // The gateway's own refusal, in plain text, of a certificate with a CN once etcd's
    // authentication is on.
    if (status == 400 && body.find("CommonName of client") != std::string::npos)
      return fatal(error::certificate_with_name, printable_text(body, 200));
    if (status != 200) {
      member_failed(fmt::format("HTTP status {}", status));
      return process();
    }
    refused = {};  // a 200 the caller's parser will judge
  }
  if (refused == error::unavailable) {
    member_failed(printable_text(refusal, 200));
    return process();
  }
  if (refused == error::invalid_token) {
    token_.clear();
    return process();
  }
  if (was_authenticating && !refused) {
    if (parse_authenticate(body, token_, refusal)) {
      member_failed("authentication: " + printable_text(refusal, 200));
    }
    return process();
  }
  if (was_authenticating && refused == error::request_refused && refusal.find("authentication is not enabled") != std::string::npos) {
    spdlog::warn("the etcd cluster at {} has authentication off: --etcd-user is not used", settings_.cluster);
    authentication_off_ = true;
    return process();
  }
  if (is_fatal(refused)) return fatal(refused, printable_text(refusal, 200));
  // An answer, or a refusal of the request itself: the member is fine.
  last_answer_ = std::chrono::steady_clock::now();
  failures_in_round_ = 0;
  round_reasons_.clear();
  backoff_.reset();
  if (!up_ || !told_) {
    up_ = told_ = true;
    if (on_state) on_state(true, {});
  }
  if (was_authenticating) return process();  // a refusal of the authentication, not of the request
  auto done = std::move(queue_.front().done);
  queue_.pop_front();
  done(refused, refused ? printable_text(refusal, 200) : std::string(), refused ? std::string() : std::move(body));
  process();
}

void etcd_client::member_failed(const std::string& why) {
  const auto member = net::format_endpoint(member_in_use());
  spdlog::debug("etcd member {}: {}", member, why);
  if (auto open = std::exchange(connection_, nullptr)) open->close();
  round_reasons_ += (round_reasons_.empty() ? "" : "; ") + member + ": " + why;
  member_ = (member_ + 1) % settings_.members.size();
  if (on_member_changed && settings_.members.size() > 1) on_member_changed();
  if (++failures_in_round_ < settings_.members.size()) return;
  // Every member failed: say so, and pause before the next round.
  failures_in_round_ = 0;
  const auto reasons = std::exchange(round_reasons_, {});
  if (up_ || !told_) {
    up_ = false;
    told_ = true;
    if (on_state) on_state(false, reasons);
  }
  in_flight_ = true;  // nothing goes out during the pause
  pause_.expires_after(backoff_.next());
  pause_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->stopped_) return;
    self->in_flight_ = false;
    self->process();
  });
}

void etcd_client::fatal(std::error_code ec, const std::string& why) {
  spdlog::debug("etcd cluster {}: {}: {}", settings_.cluster, ec.message(), why);
  auto waiting = std::exchange(queue_, {});
  stop();
  if (on_fatal) on_fatal(ec, why);
  for (auto& call : waiting) call.done(ec, why, {});
}

void etcd_client::schedule_probe() {
  probe_.expires_after(settings_.probe_interval);
  probe_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->stopped_) return;
    if (self->queue_.empty() && std::chrono::steady_clock::now() - self->last_answer_ >= self->settings_.probe_interval)
      self->call(self->settings_.probe_path, self->settings_.probe_body, [](std::error_code, const std::string&, std::string) {});
    self->schedule_probe();
  });
}

}  // namespace imchat::directory::etcd
