#include "support/etcd_cluster.hpp"

#include "support/deadline.hpp"
#include "support/skip.hpp"
#include "support/tcp_ports.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <atomic>
#include <thread>

namespace imchat::test {

namespace {

using namespace std::chrono_literals;

bool on_path(const std::string& program) {
  return run_program({"sh", "-c", "command -v " + program}).status == exit_status::exited(0);
}

// Runs a command that must succeed (REQUIREd), for setting the cluster up.
void must_run(std::vector<std::string> argv) {
  const auto result = run_program(argv);
  INFO("running " << argv.front() << ": " << result);
  REQUIRE(result.status == exit_status::exited(0));
}

}  // namespace

std::optional<std::string> etcd_cluster::unavailable() {
  for (const char* program : {"etcd", "etcdctl", "openssl"})
    if (!on_path(program)) return std::string("no ") + program + " here (packaging/install-deps.sh installs it)";
  return std::nullopt;
}

bool etcd_cluster::skipped_here() {
  const auto why = unavailable();
  if (why) report_skip(*why);
  return why.has_value();
}

etcd_cluster::etcd_cluster(settings how) : settings_(std::move(how)), scratch_("etcd") {
  static std::atomic<int> clusters{0};
  token_ = "imchat-test-" + std::to_string(::getpid()) + "-" + std::to_string(clusters++);
  REQUIRE((settings_.hosts.empty() || settings_.hosts.size() == settings_.members));
  for (std::size_t i = 0; i < settings_.members; ++i) {
    member_process member;
    member.name = "m" + std::to_string(i);
    if (settings_.hosts.empty()) {
      member.address = "127.0.0.1";
      member.client_port = free_tcp_port();
      member.peer_port = free_tcp_port();
    } else {
      member.host = settings_.hosts[i];
      member.address = member.host->address;
      member.client_port = 2379;
      member.peer_port = 2380;
    }
    members_.push_back(std::move(member));
  }
  if (settings_.tls) make_certificates();
  for (std::size_t i = 0; i < members_.size(); ++i) start(i);
  wait_ready();
}

etcd_cluster::~etcd_cluster() {
  for (auto& member : members_)
    if (member.process) {
      member.process->send_signal(SIGKILL);
      member.process->wait_exit();
    }
}

std::string etcd_cluster::member(std::size_t index) const {
  return members_.at(index).address + ":" + std::to_string(members_.at(index).client_port);
}

std::string etcd_cluster::address() const {
  std::string text = "etcd://";
  for (std::size_t i = 0; i < members_.size(); ++i) text += (i ? "," : "") + member(i);
  return text;
}

std::string etcd_cluster::endpoints(bool running_only) const {
  std::string text;
  const std::string scheme = settings_.tls ? "https://" : "http://";
  for (std::size_t i = 0; i < members_.size(); ++i) {
    if (running_only && !running(i)) continue;
    text += (text.empty() ? "" : ",") + scheme + member(i);
  }
  return text;
}

std::vector<std::string> etcd_cluster::command(const member_process& member) const {
  const std::string client = (settings_.tls ? "https://" : "http://") + member.address + ":" +
                             std::to_string(member.client_port);
  const auto peer = [](const member_process& m) {
    return "http://" + m.address + ":" + std::to_string(m.peer_port);
  };
  std::string initial;
  for (const auto& each : members_) initial += (initial.empty() ? "" : ",") + each.name + "=" + peer(each);
  std::vector<std::string> argv{"etcd",
                                "--name=" + member.name,
                                "--data-dir=" + (scratch_.path() / member.name).string(),
                                "--listen-client-urls=" + client,
                                "--advertise-client-urls=" + client,
                                "--listen-peer-urls=" + peer(member),
                                "--initial-advertise-peer-urls=" + peer(member),
                                "--initial-cluster=" + initial,
                                "--initial-cluster-state=new",
                                "--initial-cluster-token=" + token_,
                                "--logger=zap",
                                "--log-outputs=stderr",
                                "--log-level=warn"};
  if (settings_.tls)
    argv.insert(argv.end(), {"--cert-file=" + tls_.member_cert.string(), "--key-file=" + tls_.member_key.string(),
                             "--client-cert-auth", "--trusted-ca-file=" + tls_.ca.string()});
  return member.host ? test_lan::run_in(*member.host, argv) : argv;
}

void etcd_cluster::start(std::size_t index) {
  auto& member = members_.at(index);
  REQUIRE_FALSE(running(index));
  member.process.emplace(command(member));
}

void etcd_cluster::kill(std::size_t index) {
  auto& member = members_.at(index);
  REQUIRE(member.process);
  member.process->send_signal(SIGKILL);
  REQUIRE(member.process->wait_exit());
  member.process.reset();
}

void etcd_cluster::stop(std::size_t index) {
  auto& member = members_.at(index);
  REQUIRE(member.process);
  member.process->send_signal(SIGTERM);
  REQUIRE(member.process->wait_exit(20s));
  member.process.reset();
}

bool etcd_cluster::running(std::size_t index) const { return members_.at(index).process.has_value(); }

program_result etcd_cluster::etcdctl(std::vector<std::string> args) {
  std::vector<std::string> argv{"etcdctl", "--endpoints=" + endpoints(true), "--dial-timeout=2s",
                                "--command-timeout=5s"};
  if (settings_.tls)
    argv.insert(argv.end(), {"--cacert=" + tls_.ca.string(), "--cert=" + tls_.client_cert.string(),
                             "--key=" + tls_.client_key.string()});
  argv.insert(argv.end(), args.begin(), args.end());
  if (!settings_.hosts.empty()) argv = test_lan::run_in(*settings_.hosts.front(), argv);
  return run_program(argv, {{"ETCDCTL_API", "3"}}, 30s);
}

void etcd_cluster::wait_ready() {
  const deadline until(30s);
  std::optional<program_result> last;
  while (!until.expired()) {
    last = etcdctl({"endpoint", "health"});
    if (last->status == exit_status::exited(0)) return;
    std::this_thread::sleep_for(200ms);
  }
  for (auto& member : members_)
    if (member.process) INFO(member.name << " stderr:\n" << member.process->stderr_text());
  if (last) INFO("etcdctl endpoint health: " << *last);
  FAIL("the etcd cluster did not become healthy within 30 s");
}

std::size_t etcd_cluster::leader() {
  const deadline until(20s);
  std::optional<program_result> last;
  while (!until.expired()) {
    last = etcdctl({"endpoint", "status", "-w", "json"});
    const auto reply = nlohmann::json::parse(last->stdout_text, nullptr, false);
    if (reply.is_array())
      for (const auto& status : reply) {
        const auto& s = status.value("Status", nlohmann::json::object());
        const auto leader = s.value("leader", std::uint64_t{0});
        if (leader == 0 || s.value("header", nlohmann::json::object()).value("member_id", std::uint64_t{0}) != leader)
          continue;
        const auto endpoint = status.value("Endpoint", std::string());
        for (std::size_t i = 0; i < members_.size(); ++i)
          if (endpoint.ends_with("//" + member(i))) return i;
      }
    std::this_thread::sleep_for(200ms);
  }
  if (last) INFO("etcdctl endpoint status: " << *last);
  FAIL("no etcd leader within 20 s");
  return 0;
}

void etcd_cluster::make_certificates() {
  const auto dir = scratch_.path();
  const auto file = [&](const char* name) { return (dir / name).string(); };
  tls_ = {dir / "ca.crt",     dir / "member.crt",   dir / "member.key",        dir / "client.crt",
          dir / "client.key", dir / "other-ca.crt", dir / "named-client.crt", dir / "named-client.key"};
  const auto new_ca = [&](const char* stem) {
    must_run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
              "-keyout", file(stem) + ".key", "-out", file(stem) + ".crt", "-subj", std::string("/CN=") + stem,
              "-days", "2"});
  };
  new_ca("ca");
  new_ca("other-ca");
  std::string names = "DNS:localhost,IP:127.0.0.1";
  for (const auto& member : members_) names += ",IP:" + member.address;
  const auto signed_by_ca = [&](const char* stem, const std::string& subject, const std::string& extensions) {
    must_run({"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
              file(stem) + ".key", "-out", file(stem) + ".csr", "-subj", subject});
    write_file(dir / (std::string(stem) + ".ext"), extensions);
    must_run({"openssl", "x509", "-req", "-in", file(stem) + ".csr", "-CA", file("ca.crt"), "-CAkey", file("ca.key"),
              "-CAcreateserial", "-out", file(stem) + ".crt", "-days", "2", "-extfile", file(stem) + ".ext"});
  };
  signed_by_ca("member", "/CN=etcd-member",
               "subjectAltName=" + names + "\nextendedKeyUsage=serverAuth,clientAuth\n");
  // No Common Name: etcd's gateway refuses to authenticate users whose certificate has one.
  signed_by_ca("client", "/O=imchat tests", "extendedKeyUsage=clientAuth\n");
  signed_by_ca("named-client", "/CN=kofi", "extendedKeyUsage=clientAuth\n");
}

}  // namespace imchat::test
