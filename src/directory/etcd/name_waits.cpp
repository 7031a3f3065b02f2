#include "directory/etcd/name_waits.hpp"

#include "directory/etcd/etcd_codec.hpp"
#include "directory/etcd/etcd_record.hpp"
#include "directory/etcd/record_reply.hpp"
#include "util/printable_text.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace imchat::directory::etcd {

namespace {
// Before a broken watch is set up again: a member that just went is not asked at once.
constexpr std::chrono::milliseconds rewatch_delay{200};
}  // namespace

struct name_waits::wait {
  wait(boost::asio::io_context& io, std::string name_, detail::completion done_, detail::abandon_flag cancelled_)
      : name(std::move(name_)), done(std::move(done_)), cancelled(std::move(cancelled_)), retry(io) {}
  std::string name;
  detail::completion done;
  detail::abandon_flag cancelled;
  std::shared_ptr<member_connection> watch;
  boost::asio::steady_timer retry;
  bool finished = false;
};

name_waits::name_waits(boost::asio::io_context& io, std::shared_ptr<etcd_client> client, std::string prefix)
    : io_(io), client_(std::move(client)), prefix_(std::move(prefix)) {}

void name_waits::add(const std::string& name, detail::completion done, detail::abandon_flag cancelled) {
  if (ended_) return;
  auto each = std::make_shared<wait>(io_, name, std::move(done), std::move(cancelled));
  waits_.push_back(each);
  look_then_watch(each);
}

void name_waits::look_then_watch(const std::shared_ptr<wait>& each) {
  if (each->watch) std::exchange(each->watch, nullptr)->close();
  client_->call(range_path, range_request(record_key(prefix_, each->name)),
                [self = shared_from_this(), each](std::error_code ec, std::string why, std::string body) {
                  if (each->finished || ec == std::errc::operation_canceled) return;
                  range_reply reply;
                  if (!ec) ec = parse_range(body, reply, why);
                  if (ec) return self->end(each, failed(ec, why));
                  if (!reply.kvs.empty()) return self->end(each, record_reply(self->prefix_, each->name, reply));
                  self->watch(each, reply.revision + 1);
                },
                each->cancelled);
}

void name_waits::watch(const std::shared_ptr<wait>& each, std::int64_t from) {
  std::weak_ptr<wait> weak = each;
  each->watch = client_->open_stream(
      watch_path, watch_request(record_key(prefix_, each->name), from),
      [self = shared_from_this(), weak](std::string_view line) {
        if (auto waiting = weak.lock(); waiting && !waiting->finished) self->on_watch_line(waiting, line);
      },
      [self = shared_from_this(), weak](std::error_code ec, const std::string& why, unsigned status, std::string) {
        auto waiting = weak.lock();
        if (!waiting || waiting->finished || ec == std::errc::operation_canceled) return;
        spdlog::debug("etcd watch of '{}' ended: {}", printable_text(waiting->name),
                      ec ? why : fmt::format("HTTP status {}", status));
        self->watch_again(waiting);
      });
}

void name_waits::on_watch_line(const std::shared_ptr<wait>& each, std::string_view line) {
  watch_message message;
  std::string why;
  if (const auto ec = parse_watch_message(line, message, why)) {
    spdlog::debug("etcd watch of '{}': {}: {}", printable_text(each->name), ec.message(), printable_text(why, 200));
    return watch_again(each);
  }
  if (message.canceled) return watch_again(each);  // a compaction, say: read the key again
  for (const auto& event : message.events) {
    if (event.deleted) continue;
    auto found = record_reply(prefix_, each->name, {{event.kv}, message.revision});
    if (!found.error) return end(each, std::move(found));
  }
}

void name_waits::watch_again(const std::shared_ptr<wait>& each) {
  if (each->watch) std::exchange(each->watch, nullptr)->close();
  each->retry.expires_after(rewatch_delay);
  each->retry.async_wait([self = shared_from_this(), each](boost::system::error_code ec) {
    if (!ec && !each->finished && !self->ended_) self->look_then_watch(each);
  });
}

void name_waits::move() {
  for (auto& each : waits_)
    if (each->watch && !each->finished) watch_again(each);
}

void name_waits::forget_cancelled() {
  for (auto& each : waits_)
    if (each->cancelled->load()) finish(*each, {});
  std::erase_if(waits_, [](const auto& each) { return each->finished; });
}

void name_waits::end_all(const detail::directory_reply& reply) {
  ended_ = true;
  for (auto& each : std::exchange(waits_, {})) finish(*each, detail::directory_reply(reply));
}

void name_waits::end(const std::shared_ptr<wait>& each, detail::directory_reply&& reply) {
  finish(*each, std::move(reply));
  std::erase(waits_, each);
}

void name_waits::finish(wait& each, detail::directory_reply&& reply) {
  if (each.finished) return;
  each.finished = true;
  each.retry.cancel();
  if (each.watch) std::exchange(each.watch, nullptr)->close();
  if (!each.cancelled->load()) each.done(std::move(reply));
}

}  // namespace imchat::directory::etcd
