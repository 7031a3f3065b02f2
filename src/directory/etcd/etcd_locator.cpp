#include "directory/etcd/etcd_locator.hpp"

#include "directory/etcd/etcd_client.hpp"
#include "directory/etcd/etcd_codec.hpp"
#include "directory/etcd/etcd_record.hpp"
#include "directory/etcd/etcd_tls.hpp"
#include "directory/etcd/name_waits.hpp"
#include "directory/etcd/record_reply.hpp"
#include "directory/holder_text.hpp"
#include "directory/registry.hpp"
#include "util/printable_text.hpp"
#include "wire/error.hpp"

#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <unistd.h>

namespace imchat::directory::etcd {

namespace asio = boost::asio;
using detail::abandon_flag;
using detail::completion;
using detail::directory_reply;

namespace {

// How long a closing locator waits for etcd to revoke its lease (its names go at once)
// before it leaves them to expire with the lease.
constexpr std::chrono::milliseconds farewell_limit{2000};

// Who registers, as the owner of each record: this host and process.
std::string this_process() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "unknown host");
  return fmt::format("{} pid {}", printable_text(host), ::getpid());
}

class etcd_locator final : public detail::locator_backend {
 public:
  etcd_locator(std::string directory, std::vector<net::host_and_port> members, locator_options options)
      : locator_backend(std::move(directory), std::move(options)),
        members_(std::move(members)),
        prefix_(this->options().etcd.prefix),
        ttl_seconds_(std::max<std::int64_t>(
            1, static_cast<std::int64_t>(std::ceil(static_cast<double>(this->options().peer_timeout.count()) / 1000)))),
        owner_(this_process()),
        tls_(make_tls_context(this->options().etcd)),
        keepalive_(io()) {}

 private:
  std::shared_ptr<etcd_locator> self() { return std::static_pointer_cast<etcd_locator>(shared_from_this()); }

  std::string key(std::string_view name) const { return record_key(prefix_, name); }

  void begin() override {
    const auto attempt = std::max(options().peer_timeout / 3, std::chrono::milliseconds(1000));
    client_settings settings;
    settings.cluster = directory();
    settings.members = members_;
    settings.connection.tls = tls_;
    settings.connection.timeout = attempt;
    settings.user = options().etcd.user;
    settings.password = options().etcd.password;
    settings.retry_min = options().reconnect_min;
    settings.retry_max = options().reconnect_max;
    settings.probe_path = range_path;
    settings.probe_body = range_request(prefix_);
    settings.probe_interval = attempt;
    client_ = etcd_client::create(io(), std::move(settings));
    std::weak_ptr<etcd_locator> weak = self();
    client_->on_state = [weak](bool up, const std::string& why) {
      if (auto self = weak.lock()) self->on_state(up, why);
    };
    client_->on_member_changed = [weak] {
      if (auto self = weak.lock()) self->waits_->move();
    };
    client_->on_fatal = [weak](std::error_code ec, const std::string& why) {
      if (auto self = weak.lock()) self->give_up(ec, why);
    };
    waits_ = std::make_shared<name_waits>(io(), client_, prefix_);
    client_->start();
  }

  void end() override {
    keepalive_.cancel();
    waits_->end_all(failed(std::make_error_code(std::errc::operation_canceled), "locator closed"));
    for (auto& waiter : std::exchange(lease_waiters_, {})) waiter(std::make_error_code(std::errc::operation_canceled), "locator closed");
    if (!lease_ || given_up()) return client_->stop();
    // The names go with the lease, at once; if etcd cannot be told in time, they go when
    // the lease expires.
    auto farewell = std::make_shared<asio::steady_timer>(io(), std::min(farewell_limit, options().peer_timeout));
    farewell->async_wait([client = client_](boost::system::error_code) { client->stop(); });
    client_->call(lease_revoke_path, lease_request(lease_), [client = client_, farewell](std::error_code, const std::string&, std::string) {
      farewell->cancel();
      client->stop();
    });
  }

  void on_state(bool up, const std::string& why) {
    const bool was = connected();
    set_connected(up, why.empty() ? std::string() : printable_text(why, 1000));
    if (up && !was) spdlog::debug("the etcd cluster at {} answers (member {})", directory(), net::format_endpoint(client_->member_in_use()));
    if (!up && was) spdlog::warn("the etcd cluster at {}: no member answers ({}); retrying", directory(), printable_text(why, 1000));
    // The first time no member answers, say why (a wrong port, TLS on one side only):
    // what follows, until one does, is the same story.
    if (!up && !was && !told_down_) spdlog::warn("the etcd cluster at {}: no member answers ({}); retrying", directory(), printable_text(why, 1000));
    if (!up) told_down_ = true;
  }

  void give_up(std::error_code ec, const std::string& why) {
    auto text = fmt::format("the directory at {}: {}{}", directory(), ec.message(), why.empty() ? "" : " (" + why + ")");
    if (ec == error::permission_denied)
      text += options().etcd.user.empty()
                  ? ": the cluster has authentication on: give --etcd-user and --etcd-password-file"
                  : fmt::format(": give etcd's user '{}' read and write access to the keys under '{}'",
                                printable_text(options().etcd.user), printable_text(prefix_));
    spdlog::error("{}; not retrying", text);
    keepalive_.cancel();
    set_failure(ec, text);
    for (auto& waiter : std::exchange(lease_waiters_, {})) waiter(ec, text);
    waits_->end_all(*given_up());
  }

  // --- the lease ---

  using lease_waiter = std::function<void(std::error_code, const std::string&)>;

  // Calls `then` once this locator has a lease (granting one first if need be).
  void with_lease(lease_waiter then) {
    if (lease_) return then({}, {});
    lease_waiters_.push_back(std::move(then));
    if (lease_waiters_.size() > 1) return;  // a grant is on its way
    client_->call(lease_grant_path, lease_grant_request(ttl_seconds_), [self = self()](std::error_code ec, std::string why, std::string body) {
      lease_reply granted;
      if (!ec) ec = parse_lease_grant(body, granted, why);
      if (!ec) {
        self->lease_ = granted.id;
        spdlog::debug("etcd lease {:x} granted, TTL {} s", granted.id, granted.ttl);
        self->schedule_keepalive(granted.ttl);
      }
      for (auto& waiter : std::exchange(self->lease_waiters_, {})) waiter(ec, why);
    });
  }

  void schedule_keepalive(std::int64_t ttl) {
    keepalive_.expires_after(std::max(std::chrono::milliseconds(ttl * 1000 / 3), std::chrono::milliseconds(300)));
    keepalive_.async_wait([self = self()](boost::system::error_code ec) {
      if (!ec && !self->stopping()) self->keep_alive();
    });
  }

  void keep_alive() {
    const auto lease = lease_;
    client_->call(lease_keepalive_path, lease_request(lease), [self = self(), lease](std::error_code ec, std::string why, std::string body) {
      if (ec == std::errc::operation_canceled || self->stopping() || self->lease_ != lease) return;
      lease_reply kept;
      if (!ec) ec = parse_lease_keepalive(body, kept, why);
      if ((!ec && kept.ttl <= 0) || ec == error::lease_not_found) return self->lease_lost();
      if (ec) {
        spdlog::warn("etcd: keeping lease {:x} alive: {}: {}", lease, ec.message(), printable_text(why, 200));
        return self->schedule_keepalive(1);
      }
      self->schedule_keepalive(kept.ttl);
    });
  }

  // etcd forgot the lease, and with it this locator's names (it was cut off from the
  // cluster, or frozen, for longer than the TTL): a new lease, and the names again.
  void lease_lost() {
    spdlog::warn("etcd: the lease of this process's names ran out; registering them again");
    lease_ = 0;
    with_lease([self = self()](std::error_code ec, const std::string&) {
      if (!ec) self->names().register_again();
    });
  }

  // --- requests ---

  void send_register(const wire::register_request& request, completion done, abandon_flag abandoned) override {
    wire::record record{request.kind, request.name, request.endpoints, owner_};
    if (auto problem = record_problem(record, registry_limits{}); !problem.empty())
      return done(failed(wire::error::invalid_name, std::move(problem)));
    with_lease([self = self(), record = std::move(record), done = std::move(done), abandoned](std::error_code ec, const std::string& why) mutable {
      if (ec) return done(failed(ec, why));
      self->put_if_absent(std::move(record), std::move(done), std::move(abandoned));
    });
  }

  void put_if_absent(wire::record record, completion done, abandon_flag abandoned) {
    const auto lease = lease_;
    auto body = put_if_absent_request(key(record.name), encode_record_value(record), lease);
    client_->call(txn_path, std::move(body), [self = self(), record = std::move(record), done = std::move(done), lease](
                                                 std::error_code ec, std::string why, std::string reply_body) mutable {
      put_if_absent_reply reply;
      if (!ec) ec = parse_put_if_absent(reply_body, reply, why);
      if (ec) return done(failed(ec, why));
      if (reply.succeeded) return done({});
      if (reply.holder && reply.holder->lease == lease) return self->overwrite(std::move(record), std::move(done));
      wire::record holder{record.kind, record.name, {}, "another registrant"};
      std::string unreadable;
      if (reply.holder && !decode_record(self->prefix_, reply.holder->key, reply.holder->value, holder, unreadable))
        holder = {record.kind, record.name, {"?"}, "another registrant (its record in etcd is unreadable: " + unreadable + ")"};
      done(failed(wire::error::name_in_use, held_by_text(holder)));
    }, std::move(abandoned));
  }

  // A name this locator holds already, registered again (with new endpoints, say).
  void overwrite(wire::record record, completion done) {
    client_->call(put_path, put_request(key(record.name), encode_record_value(record), lease_),
                  [done = std::move(done)](std::error_code ec, std::string why, std::string body) {
                    if (!ec) ec = parse_reply(body, why);
                    done(ec ? failed(ec, why) : directory_reply{});
                  });
  }

  void send_unregister(const std::string& name, completion done, abandon_flag abandoned) override {
    if (!lease_) return done({});  // nothing here is this locator's
    client_->call(txn_path, delete_if_leased_request(key(name), lease_),
                  [done = std::move(done)](std::error_code ec, std::string why, std::string body) {
                    if (!ec) ec = parse_reply(body, why);
                    done(ec ? failed(ec, why) : directory_reply{});
                  }, std::move(abandoned));
  }

  void send_lookup(const std::string& name, completion done, abandon_flag abandoned) override {
    client_->call(range_path, range_request(key(name)),
                  [self = self(), name, done = std::move(done)](std::error_code ec, std::string why, std::string body) {
                    range_reply reply;
                    if (!ec) ec = parse_range(body, reply, why);
                    done(ec ? failed(ec, why) : record_reply(self->prefix_, name, reply));
                  }, std::move(abandoned));
  }

  void send_list(const std::string& prefix, completion done, abandon_flag abandoned) override {
    const auto first = key(prefix);
    client_->call(range_path, range_request(first, prefix_end(first)),
                  [self = self(), done = std::move(done)](std::error_code ec, std::string why, std::string body) {
                    range_reply reply;
                    if (!ec) ec = parse_range(body, reply, why);
                    if (ec) return done(failed(ec, why));
                    directory_reply listed;
                    for (const auto& kv : reply.kvs) {
                      wire::record record;
                      if (decode_record(self->prefix_, kv.key, kv.value, record, why))
                        listed.records.push_back(std::move(record));
                      else
                        spdlog::warn("etcd: key '{}' is no directory record ({}); not listed", printable_text(kv.key, 200), why);
                    }
                    done(std::move(listed));
                  }, std::move(abandoned));
  }

  // --- waiting for a name (name_waits) ---

  void send_await(const std::string& name, completion done, abandon_flag cancelled) override {
    waits_->add(name, std::move(done), std::move(cancelled));
  }

  void forget_cancelled_waits() override { waits_->forget_cancelled(); }

  const std::vector<net::host_and_port> members_;
  const std::string prefix_;
  const std::int64_t ttl_seconds_;
  const std::string owner_;
  const std::shared_ptr<asio::ssl::context> tls_;
  std::shared_ptr<etcd_client> client_;
  std::int64_t lease_ = 0;  // none yet, or lost
  std::vector<lease_waiter> lease_waiters_;
  asio::steady_timer keepalive_;
  std::shared_ptr<name_waits> waits_;
  bool told_down_ = false;  // that no member answers, once
};

}  // namespace

std::shared_ptr<detail::locator_backend> make_etcd_locator(std::string directory, std::vector<net::host_and_port> members,
                                                           locator_options options) {
  return std::make_shared<etcd_locator>(std::move(directory), std::move(members), std::move(options));
}

}  // namespace imchat::directory::etcd
