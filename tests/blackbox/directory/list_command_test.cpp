// `imchat server --list`, the users' view of the directory: a table of every name, or a
// clear message and exit 1 when the directory cannot be reached in time.

#include "blackbox/directory/running_directory.hpp"
#include "directory/locator.hpp"
#include "support/raw_tcp_client.hpp"
#include "support/run_program.hpp"
#include "support/tcp_ports.hpp"
#include "support/unique_fd.hpp"
#include "support/imchat_binary.hpp"

#include <doctest/doctest.h>

#include <sys/socket.h>

#include <sstream>

using namespace std::chrono_literals;
using imchat::directory::locator;
using imchat::test::exit_status;
using imchat::test::program_result;
using imchat::test::running_directory;
using imchat::wire::object_kind;

namespace {

program_result run_imchat(std::vector<std::string> args, imchat::test::child_process::environment env = {}) {
  args.insert(args.begin(), IMCHAT_BINARY);
  return imchat::test::run_program(std::move(args), std::move(env));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream stream(line);
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// Checks that `stdout_text` is the header and `rows` (each a row's words), with every
// column starting where its heading does.
void check_table(const std::string& stdout_text, const std::vector<std::vector<std::string>>& rows) {
  const auto lines = lines_of(stdout_text);
  REQUIRE(lines.size() == rows.size() + 1);
  const auto& header = lines.front();
  CHECK(words_of(header) == std::vector<std::string>{"NAME", "KIND", "ENDPOINTS", "OWNER"});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& line = lines[i + 1];
    CAPTURE(line);
    CHECK(words_of(line) == rows[i]);
    CHECK(line.find(rows[i][1]) == header.find("KIND"));
    CHECK(line.find(rows[i][2]) == header.find("ENDPOINTS"));
    CHECK(line.rfind(rows[i][3]) == header.find("OWNER"));
  }
}

}  // namespace

TEST_SUITE("directory") {

TEST_CASE("imchat server --list prints every name in a table and exits 0") {
  running_directory server;
  locator room(server.address());
  room.register_object(object_kind::queue, "Q_cheese", {"127.0.0.1:40000", "[::1]:40000"});
  room.register_object(object_kind::exchange, "E_cheese", {"127.0.0.1:40001"});
  locator other_room(server.address());
  other_room.register_object(object_kind::queue, "Q_wine", {"127.0.0.1:40002"});
  const auto owner = room.lookup("Q_cheese")->owner;
  const auto other_owner = other_room.lookup("Q_wine")->owner;

  const auto result = run_imchat({"server", "--list", "--directory", server.address()});
  INFO(result);
  CHECK(result.status == exit_status::exited(0));
  CHECK(result.stderr_text.empty());
  check_table(result.stdout_text, {
                                      {"E_cheese", "exchange", "127.0.0.1:40001", owner},
                                      {"Q_cheese", "queue", "127.0.0.1:40000,[::1]:40000", owner},
                                      {"Q_wine", "queue", "127.0.0.1:40002", other_owner},
                                  });
}

TEST_CASE("imchat server --list finds the directory from PORT or IMCHAT_DIRECTORY") {
  running_directory server;
  locator room(server.address());
  room.register_object(object_kind::queue, "Q_cheese", {"127.0.0.1:40000"});
  const auto owner = room.lookup("Q_cheese")->owner;

  SUBCASE("PORT means localhost:PORT") {
    const auto result = run_imchat({"server", "--list", std::to_string(server.port())});
    INFO(result);
    CHECK(result.status == exit_status::exited(0));
    check_table(result.stdout_text, {{"Q_cheese", "queue", "127.0.0.1:40000", owner}});
  }
  SUBCASE("IMCHAT_DIRECTORY when there is no --directory") {
    const auto result = run_imchat({"server", "--list"}, {{"IMCHAT_DIRECTORY", server.address()}});
    INFO(result);
    CHECK(result.status == exit_status::exited(0));
    check_table(result.stdout_text, {{"Q_cheese", "queue", "127.0.0.1:40000", owner}});
  }
  SUBCASE("--directory over IMCHAT_DIRECTORY") {
    const auto nowhere = "127.0.0.1:" + std::to_string(imchat::test::free_tcp_port());
    const auto result = run_imchat({"server", "--list", "-d", server.address()}, {{"IMCHAT_DIRECTORY", nowhere}});
    INFO(result);
    CHECK(result.status == exit_status::exited(0));
    check_table(result.stdout_text, {{"Q_cheese", "queue", "127.0.0.1:40000", owner}});
  }
}

TEST_CASE("imchat server --list of an empty directory prints the header alone") {
  running_directory server;
  const auto result = run_imchat({"server", "--list", "--directory", server.address()});
  INFO(result);
  CHECK(result.status == exit_status::exited(0));
  check_table(result.stdout_text, {});
}

TEST_CASE("imchat server --list shows names that could garble a terminal escaped") {
  running_directory server;
  locator room(server.address());
  // The directory accepts these (they are valid UTF-8 without control characters), but
  // printed raw they would reorder or hide what follows on the user's terminal.
  room.register_object(object_kind::queue, "Q_\xE2\x80\xAE" "drowssap", {"127.0.0.1:1"});
  room.register_object(object_kind::queue, "Q_zero\xE2\x80\x8Bwidth", {"127.0.0.1:2"});
  room.register_object(object_kind::queue, "Q_fromage \xC3\xA0 l'ail", {"127.0.0.1:3"});

  const auto result = run_imchat({"server", "--list", "--directory", server.address()});
  INFO(result);
  CHECK(result.status == exit_status::exited(0));
  CHECK(contains(result.stdout_text, "Q_\\u202edrowssap "));
  CHECK(contains(result.stdout_text, "Q_zero\\u200bwidth "));
  CHECK(contains(result.stdout_text, "Q_fromage \xC3\xA0 l'ail "));  // ordinary UTF-8 stays
  CHECK_FALSE(contains(result.stdout_text, "\xE2\x80\xAE"));
  CHECK_FALSE(contains(result.stdout_text, "\xE2\x80\x8B"));
}

TEST_CASE("imchat server --list exits 1 with a clear message when no directory answers") {
  const auto address = "127.0.0.1:" + std::to_string(imchat::test::free_tcp_port());
  const auto start = std::chrono::steady_clock::now();
  const auto result = run_imchat({"server", "--list", "--directory", address, "--timeout", "0.5"});
  const auto took = std::chrono::steady_clock::now() - start;
  INFO(result);
  CHECK(result.status == exit_status::exited(1));
  CHECK(result.stdout_text.empty());
  CHECK(result.stderr_text ==
        "imchat server: no answer within 0.5 s: cannot reach the directory at " + address + ": Connection refused\n");
  CHECK(took >= 500ms);
  CHECK(took < 4s);
}

TEST_CASE("imchat server --list gives up in time on a directory whose host never answers") {
  // A listener whose backlog is full: the kernel drops further SYNs, so a connect neither
  // succeeds nor fails for minutes, like a host behind a firewall that drops packets.
  const auto port = imchat::test::free_tcp_port();
  imchat::test::unique_fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_in address = imchat::test::loopback_address(port);
  REQUIRE(::bind(listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener.get(), 0) == 0);
  std::vector<imchat::test::raw_tcp_client> backlog;
  for (int i = 0; i < 4; ++i)
    if (auto client = imchat::test::raw_tcp_client::try_connect(port, 100ms)) backlog.push_back(std::move(*client));

  const auto start = std::chrono::steady_clock::now();
  const auto result = run_imchat({"server", "--list", "--directory", "127.0.0.1:" + std::to_string(port),
                                  "--timeout", "0.5"});
  INFO(result);
  CHECK(result.status == exit_status::exited(1));
  CHECK(contains(result.stderr_text, "no answer within 0.5 s: cannot reach the directory at 127.0.0.1:"));
  CHECK(std::chrono::steady_clock::now() - start < 4s);
}

TEST_CASE("imchat server --list rejects options that do not go with it") {
  const std::vector<std::vector<std::string>> misuses{
      {"server", "--directory", "127.0.0.1:5682"},             // a client option without --list
      {"server", "--timeout", "3"},
      {"server", "--list", "--listen", "127.0.0.1"},           // a serving option with it
      {"server", "--list", "--handshake-timeout", "1"},
      {"server", "--list", "5682", "--directory", "127.0.0.1:5682"},
      {"server", "--list", "--timeout", "0"},
      {"server", "--list", "--timeout", "-1"},
      {"server", "--list", "--directory", "[::1"},
      {"server", "--list", "0"},
  };
  for (const auto& args : misuses) {
    const auto result = run_imchat(args);
    INFO(result);
    CHECK(result.status == exit_status::exited(2));
    CHECK(result.stdout_text.empty());
    CHECK(contains(result.stderr_text, "usage: imchat server "));
  }
}

}  // TEST_SUITE
