#pragma once
// The locator: the directory's client, as in the tutorial (`locator_t locator (host)`).
// It keeps one connection to the directory on a thread of its own, reconnects by itself
// with backoff, and re-registers its names after a reconnect. A name someone else took
// meanwhile (this process was frozen past the directory's peer timeout, say) is not given
// up: the locator keeps registering it again, every few seconds, until the other holder
// has gone, and says so in the log and in lost_names(). Every member function may be
// called from any thread; the blocking ones wait at most their timeout.
//
// Errors are thrown as std::system_error: wire::error::name_in_use (the message names
// the holder), invalid_name, limit_exceeded, and std::errc::timed_out when the directory
// does not answer in time (the message says whether it could be reached at all). With a
// key (locator_options::key) every connection to the directory is TLS authenticated by
// it; when the keys do not allow a connection (net::is_key_error: the directory needs a
// key, has another, or has none), the locator stops trying, and every call fails with
// that error from then on (failure()).
//
// The directory may also be an etcd cluster ("etcd://HOST:PORT,HOST:PORT", docs/etcd.md):
// the same calls, the same errors, kept in etcd under locator_options::etcd.prefix, each
// name bound to a lease this locator keeps alive (its TTL the peer timeout). There the
// failures no retry mends are etcd's (etcd/etcd_error.hpp: a refused password, a
// certificate that does not verify), and a key (locator_options::key) is not used.

#include "util/key_file.hpp"
#include "wire/directory_frames.hpp"
#include "wire/frame_decoder.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace imchat::directory {

namespace detail {
class locator_backend;
}

// How to reach an etcd cluster and where in it the names live (docs/etcd.md).
struct etcd_options {
  std::string prefix = "/imchat/";  // every name is a key under it
  // TLS: the CA that signs the members' certificates (none: plain HTTP), and this
  // client's certificate and private key where the cluster asks for one.
  std::string ca_file{};
  std::string cert_file{};
  std::string key_file{};
  // etcd's own authentication: a user and its password (empty user: none).
  std::string user{};
  std::string password{};
};

struct locator_options {
  std::chrono::milliseconds timeout{5000};  // for blocking calls without an explicit one
  std::chrono::milliseconds reconnect_min{100};
  std::chrono::milliseconds reconnect_max{3000};
  // A directory silent this long is taken for gone: reconnect (heartbeats, both ways). A
  // connection attempt unanswered as long is given up and made again.
  std::chrono::milliseconds peer_timeout{5000};
  wire::decoder_limits limits{};
  // The directory's key: with one, TLS 1.3 authenticated by it (net/tls_context.hpp).
  std::optional<secret_key> key{};
  // Between attempts to take a lost name back: jittered, from 1-2 s up to 2.5-5 s, so a
  // name is back within seconds of its squatter leaving without hammering the directory.
  std::chrono::milliseconds reclaim_min{2000};
  std::chrono::milliseconds reclaim_max{5000};
  // A name still lost is logged again (at error level) this often, not at every attempt.
  std::chrono::milliseconds reclaim_log_interval{60'000};
  // Called on the locator's thread when a name could not be registered again after a
  // reconnect (someone else took it meanwhile), and when it was taken back.
  std::function<void(const std::string& name, const std::string& why)> on_registration_lost{};
  std::function<void(const std::string& name)> on_registration_regained{};
  // Used where the directory is an etcd cluster.
  etcd_options etcd{};
};

// A name this locator registered that another registrant holds now, and the directory's
// word on it ("name 'Q_cheese' is held by 127.0.0.1:40122 (endpoints ...)").
struct lost_name {
  std::string name;
  std::string why;
  bool operator==(const lost_name&) const = default;
};

class locator {
 public:
  using lookup_handler = std::function<void(std::error_code, std::optional<wire::record>)>;

  // Starts connecting to the directory at `directory` ("HOST[:PORT]", or an etcd
  // cluster's "etcd://HOST:PORT,...", see directory_address.hpp) at once, in the
  // background. Throws std::system_error (std::errc::invalid_argument) for a malformed
  // address, and for TLS files (locator_options::etcd) that cannot be read.
  explicit locator(std::string_view directory, locator_options options = {});
  // Closes the connection: the directory frees every name this locator registered.
  ~locator();
  locator(const locator&) = delete;
  locator& operator=(const locator&) = delete;

  // The directory's address, as given.
  const std::string& directory() const noexcept;

  // Claims `name` for as long as this locator lives.
  void register_object(wire::object_kind kind, std::string_view name,
                       std::vector<std::string> endpoints);
  void register_object(wire::object_kind kind, std::string_view name,
                       std::vector<std::string> endpoints, std::chrono::milliseconds timeout);
  // Frees a name this locator registered.
  void unregister_object(std::string_view name);

  // The record for `name`, or nullopt when no one has registered it.
  std::optional<wire::record> lookup(std::string_view name);
  std::optional<wire::record> lookup(std::string_view name, std::chrono::milliseconds timeout);

  // Every record whose name starts with `prefix`, sorted by name.
  std::vector<wire::record> list(std::string_view prefix = {});
  std::vector<wire::record> list(std::string_view prefix, std::chrono::milliseconds timeout);

  // Asynchronous lookup for the kernel's I/O threads; `handler` runs on the locator's
  // thread (post it back to where it belongs). It waits for the directory as long as it
  // takes, so that reconnecting bindings ride out a directory restart.
  void async_lookup(std::string name, lookup_handler handler);

  // Waits until `name` is registered, for as long as the returned token lives: `handler`
  // runs once, on the locator's thread, with the record (or the error that ends all
  // waiting, failure()), unless the token was destroyed first. Without polling where the
  // directory can say when a name comes (etcd's watch); imchat's own directory is asked
  // every 250 ms.
  [[nodiscard]] std::shared_ptr<void> async_await(std::string name, lookup_handler handler);

  // The names lost to another registrant that the locator is trying to take back, by name.
  std::vector<lost_name> lost_names() const;

  // Whether the connection to the directory is up now; and waiting for it.
  bool connected() const;
  // Returns early, false, once failure() is set.
  bool wait_connected(std::chrono::milliseconds timeout) const;

  // Why the locator gave up for good (the keys do not allow a connection); none before.
  std::optional<std::system_error> failure() const;

 private:
  std::shared_ptr<detail::locator_backend> backend_;
};

}  // namespace imchat::directory
