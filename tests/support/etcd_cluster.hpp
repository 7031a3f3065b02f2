#pragma once
// A real etcd cluster for tests, of Debian's etcd-server: each member an `etcd` child
// process with a data directory of its own, on free loopback ports, or one member per
// host of a test_lan on etcd's own ports. Started together, and waited for until every
// member answers. Members can be killed, stopped and started again on their data, as an
// operator's would; etcdctl (etcd-client) asks the cluster what tests need to know (the
// leader, the keys) and sets it up (users, authentication).
//
//   etcd_cluster cluster({.members = 3});
//   chat_fixture chat(cluster.address());   // --directory etcd://127.0.0.1:P,...
//   cluster.kill(cluster.leader());

#include "support/child_process.hpp"
#include "support/run_program.hpp"
#include "support/scratch_directory.hpp"
#include "support/test_lan.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace imchat::test {

class etcd_cluster {
 public:
  struct settings {
    std::size_t members = 3;
    // Where each member runs, if not on loopback: hosts of a test_lan, one per member.
    std::vector<const test_lan::host*> hosts{};
    // Clients reach the members over TLS and must show a certificate: a CA, a member
    // certificate and a client certificate are made for the cluster (tls_files()).
    bool tls = false;
  };

  // Why there can be no cluster here (no etcd, etcdctl or openssl), or nullopt.
  static std::optional<std::string> unavailable();
  // True, having reported the test skipped (support/skip.hpp) with the reason, where
  // there can be none: `if (etcd_cluster::skipped_here()) return;`.
  static bool skipped_here();

  // Starts the cluster and waits until every member answers (REQUIREs it).
  explicit etcd_cluster(settings how);
  ~etcd_cluster();
  etcd_cluster(const etcd_cluster&) = delete;
  etcd_cluster& operator=(const etcd_cluster&) = delete;

  // "etcd://A:P,A:P,...": every member, for --directory.
  std::string address() const;
  // One member's "A:P".
  std::string member(std::size_t index) const;
  std::size_t size() const noexcept { return members_.size(); }

  void kill(std::size_t index);   // SIGKILL: the member dies at once
  void stop(std::size_t index);   // SIGTERM, and waits for it to end
  void start(std::size_t index);  // again, on its data
  bool running(std::size_t index) const;
  // Waits until every running member answers (REQUIREs it).
  void wait_ready();

  // The member that leads now (waits for an election, REQUIREs one within 20 s).
  std::size_t leader();

  // etcdctl against the running members (with the client certificate, for TLS),
  // run where the members are reachable from; extra arguments first, e.g. {"--user",
  // "root:pw", "auth", "enable"}.
  program_result etcdctl(std::vector<std::string> args);

  struct tls_files {
    std::filesystem::path ca, member_cert, member_key, client_cert, client_key;
    std::filesystem::path other_ca;  // a CA that signed nothing here
    // A client certificate with a Common Name, which etcd's gateway treats differently.
    std::filesystem::path named_client_cert, named_client_key;
  };
  const tls_files& tls() const noexcept { return tls_; }
  const std::filesystem::path& directory() const noexcept { return scratch_.path(); }

 private:
  struct member_process {
    std::string name;
    std::string address;
    std::uint16_t client_port = 0;
    std::uint16_t peer_port = 0;
    const test_lan::host* host = nullptr;
    std::optional<child_process> process;
  };

  std::vector<std::string> command(const member_process& member) const;
  void make_certificates();
  std::string endpoints(bool running_only) const;

  settings settings_;
  scratch_directory scratch_;
  std::string token_;
  std::vector<member_process> members_;
  tls_files tls_;
};

}  // namespace imchat::test
