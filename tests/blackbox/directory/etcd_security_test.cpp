// A directory on etcd that not everyone may use: members that speak only TLS and ask for a
// client certificate, and etcd's own users. The right settings chat; each wrong one (a
// wrong password, no user, a CA that signed nothing here, plain HTTP to a TLS member) ends
// the program at once with a sentence that names what is wrong, as a refused key does,
// instead of waiting for a directory that will never let it in.

#include "blackbox/chat/chat_fixture.hpp"
#include "support/etcd_cluster.hpp"
#include "support/imchat_binary.hpp"
#include "support/run_program.hpp"
#include "support/scratch_directory.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

using namespace std::chrono_literals;
using imchat::test::etcd_cluster;
using imchat::test::exit_status;
using imchat::test::run_program;
using imchat::test::scratch_directory;
using namespace imchat::test::chat;

namespace {

void etcdctl_must(etcd_cluster& cluster, std::vector<std::string> args) {
  const auto result = cluster.etcdctl(std::move(args));
  INFO(result);
  REQUIRE(result.status == exit_status::exited(0));
}

// A password file only its owner may read.
std::filesystem::path password_file(const scratch_directory& scratch, const std::string& name,
                                    const std::string& password) {
  const auto path = scratch.path() / name;
  imchat::test::write_file(path, password + "\n");
  REQUIRE(::chmod(path.c_str(), 0600) == 0);
  return path;
}

// What a display says when it cannot use the directory: it must end with status 1 well
// before its --timeout would have ended it.
std::string refusal(const chat_fixture& chat) {
  const auto result = run_program(chat.argv({"display", "cheese", "--timeout", "30"}), {}, 25s);
  INFO(result);
  CHECK(result.status == exit_status::exited(1));
  CHECK(result.stdout_text.empty());
  return result.stderr_text;
}

// A mismatch etcd does not name (TLS on one side only: it closes the connection without a
// word) cannot be told from a member that is not up yet, so the program waits; its
// warning says what may be wrong, and --timeout ends the wait.
std::string gave_up(const chat_fixture& chat) {
  const auto result = run_program(chat.argv({"display", "cheese", "--timeout", "3"}), {}, 25s);
  INFO(result);
  CHECK(result.status == exit_status::exited(1));
  CHECK(result.stderr_text.find("no member answers") != std::string::npos);
  CHECK(result.stderr_text.find("gave up waiting for the directory") != std::string::npos);
  return result.stderr_text;
}

}  // namespace

TEST_SUITE("directory: etcd") {

TEST_CASE("etcd with TLS - client certificates and users - the right settings chat and each wrong one is named") {
  if (etcd_cluster::skipped_here()) return;
  etcd_cluster cluster({.members = 1, .tls = true});
  // A user that may read and write the names' prefix, and nothing else; then etcd's
  // authentication on (etcdctl goes on as root).
  etcdctl_must(cluster, {"user", "add", "root:root-secret"});
  etcdctl_must(cluster, {"user", "grant-role", "root", "root"});
  etcdctl_must(cluster, {"role", "add", "imchat-names"});
  etcdctl_must(cluster, {"role", "grant-permission", "imchat-names", "--prefix=true", "readwrite", "/imchat/"});
  etcdctl_must(cluster, {"user", "add", "imchat:chat-secret"});
  etcdctl_must(cluster, {"user", "grant-role", "imchat", "imchat-names"});
  etcdctl_must(cluster, {"auth", "enable"});
  const std::vector<std::string> as_root{"--user", "root:root-secret"};

  scratch_directory scratch("etcd-users");
  const auto& tls = cluster.tls();
  const std::vector<std::string> certificates{"--etcd-ca",  tls.ca.string(), "--etcd-cert", tls.client_cert.string(),
                                              "--etcd-key", tls.client_key.string()};
  const auto with = [&](std::vector<std::string> more) {
    auto all = certificates;
    all.insert(all.end(), more.begin(), more.end());
    return all;
  };
  const auto good = password_file(scratch, "good", "chat-secret");
  chat_fixture chat(cluster.address(), with({"--etcd-user", "imchat", "--etcd-password-file", good.string()}));
  auto room = chat.start_room("cheese", {"--memory-only"});
  auto display = chat.start_display("cheese");
  chat.sync_displays("cheese", {&display});
  auto kofi = chat.start_prompt("cheese", "kofi");
  REQUIRE(kofi.write_stdin("over TLS, as a user\n"));
  kofi.close_stdin();
  check_exits_0(kofi);
  require_stdout(display, "kofi: over TLS, as a user\n");
  const auto keys = cluster.etcdctl({"--user", "root:root-secret", "get", "--prefix", "--keys-only", "/imchat/"});
  CHECK(keys.stdout_text.find("/imchat/Q_cheese") != std::string::npos);

  SUBCASE("the files as systemd hands them to a service - credentials named etcd-ca etcd-cert etcd-key etcd-password") {
    const auto credentials = scratch.path() / "credentials";
    std::filesystem::create_directories(credentials);
    std::filesystem::copy_file(tls.ca, credentials / "etcd-ca");
    std::filesystem::copy_file(tls.client_cert, credentials / "etcd-cert");
    std::filesystem::copy_file(tls.client_key, credentials / "etcd-key");
    std::filesystem::copy_file(good, credentials / "etcd-password");
    REQUIRE(::chmod((credentials / "etcd-password").c_str(), 0400) == 0);
    const auto listing = run_program({IMCHAT_BINARY, "server", "--list", "--directory", cluster.address(), "--etcd-user",
                                      "imchat", "--timeout", "10"},
                                     {{"CREDENTIALS_DIRECTORY", credentials.string()}}, 25s);
    INFO(listing);
    CHECK(listing.status == exit_status::exited(0));
    CHECK(listing.stdout_text.find("Q_cheese") != std::string::npos);
  }
  SUBCASE("a wrong password") {
    const auto bad = password_file(scratch, "bad", "not-the-secret");
    const auto said =
        refusal(chat_fixture(cluster.address(), with({"--etcd-user", "imchat", "--etcd-password-file", bad.string()})));
    CHECK(said.find("etcd refused the user name or password") != std::string::npos);
    CHECK(said.find("not-the-secret") == std::string::npos);
  }
  SUBCASE("no user where the cluster wants one") {
    const auto said = refusal(chat_fixture(cluster.address(), certificates));
    CHECK(said.find("the cluster has authentication on: give --etcd-user and --etcd-password-file") != std::string::npos);
  }
  SUBCASE("a user without the right to the prefix") {
    etcdctl_must(cluster, {"--user", "root:root-secret", "user", "add", "stranger:stranger-secret"});
    const auto stranger = password_file(scratch, "stranger", "stranger-secret");
    const auto said = refusal(
        chat_fixture(cluster.address(), with({"--etcd-user", "stranger", "--etcd-password-file", stranger.string()})));
    CHECK(said.find("give etcd's user 'stranger' read and write access to the keys under '/imchat/'") != std::string::npos);
  }
  SUBCASE("a CA that did not sign the members' certificates") {
    const auto said = refusal(chat_fixture(
        cluster.address(), {"--etcd-ca", tls.other_ca.string(), "--etcd-cert", tls.client_cert.string(), "--etcd-key",
                            tls.client_key.string(), "--etcd-user", "imchat", "--etcd-password-file", good.string()}));
    CHECK(said.find("certificate does not verify against --etcd-ca") != std::string::npos);
  }
  SUBCASE("plain HTTP to a member that speaks TLS") {
    const auto said = gave_up(chat_fixture(cluster.address(), {"--etcd-user", "imchat", "--etcd-password-file", good.string()}));
    CHECK(said.find("does it speak only TLS? then give --etcd-ca") != std::string::npos);
  }
  SUBCASE("a client certificate with a Common Name - which etcd's gateway will not authenticate") {
    const auto said = refusal(chat_fixture(
        cluster.address(), {"--etcd-ca", tls.ca.string(), "--etcd-cert", tls.named_client_cert.string(), "--etcd-key",
                            tls.named_client_key.string(), "--etcd-user", "imchat", "--etcd-password-file", good.string()}));
    CHECK(said.find("whose client certificate has a Common Name") != std::string::npos);
  }
  SUBCASE("a password file others may read") {
    const auto shared = scratch.path() / "shared";
    imchat::test::write_file(shared, "chat-secret\n");
    REQUIRE(::chmod(shared.c_str(), 0644) == 0);
    const auto said =
        refusal(chat_fixture(cluster.address(), with({"--etcd-user", "imchat", "--etcd-password-file", shared.string()})));
    CHECK(said.find("chmod 600") != std::string::npos);
  }
  room.send_signal(SIGTERM);
  check_exits_0(room);
}

TEST_CASE("TLS to an etcd member that speaks plain HTTP is named in the warning") {
  if (etcd_cluster::skipped_here()) return;
  etcd_cluster cluster({.members = 1});
  etcd_cluster tls_only({.members = 1, .tls = true});  // only for its CA
  const auto said = gave_up(chat_fixture(cluster.address(), {"--etcd-ca", tls_only.tls().ca.string()}));
  INFO(said);
  CHECK(said.find("does it speak TLS?") != std::string::npos);
}

}  // TEST_SUITE
