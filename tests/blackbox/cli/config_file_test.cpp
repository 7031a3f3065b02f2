// --config FILE for the daemons: values from the file, the command line winning over it,
// and every mistake in the file named with its file and line.

#include "support/child_process.hpp"
#include "support/raw_tcp_client.hpp"
#include "support/run_program.hpp"
#include "support/tcp_ports.hpp"
#include "support/imchat_binary.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <unistd.h>

using imchat::test::exit_status;

namespace {

// A configuration file in /tmp, removed at the end of the test.
class config_file {
 public:
  explicit config_file(const std::string& text)
      : path_("/tmp/imchat-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++) + ".conf") {
    std::ofstream(path_) << text;
  }
  ~config_file() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

imchat::test::program_result run_imchat(std::vector<std::string> args) {
  args.insert(args.begin(), IMCHAT_BINARY);
  return imchat::test::run_program(std::move(args));
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("an unknown key is a usage error naming the file and the line") {
    const config_file file("# a room\nname = cheese\n\nbogus = 1\n");
    const auto result = run_imchat({"room", "--config", file.path()});
    INFO(result);
    CHECK(result.status == exit_status::exited(2));
    CHECK(result.stderr_text.find(file.path() + ":4: unknown key 'bogus'") != std::string::npos);
  }

  TEST_CASE("a bad value and a malformed line are usage errors naming the line") {
    const config_file bad_value("io-threads = many\n");
    auto result = run_imchat({"room", "cheese", "--config", bad_value.path()});
    INFO(result);
    CHECK(result.status == exit_status::exited(2));
    CHECK(result.stderr_text.find(bad_value.path() + ":1: ") != std::string::npos);
    CHECK(result.stderr_text.find("many") != std::string::npos);

    const config_file malformed("max-connections = 10\nlisten\n");
    result = run_imchat({"server", "--config", malformed.path()});
    CHECK(result.status == exit_status::exited(2));
    CHECK(result.stderr_text.find(malformed.path() + ":2: expected 'key = value'") != std::string::npos);
  }

  TEST_CASE("a missing configuration file is a usage error naming it") {
    const auto result = run_imchat({"server", "--config", "/nonexistent/imchat.conf"});
    CHECK(result.status == exit_status::exited(2));
    CHECK(result.stderr_text.find("/nonexistent/imchat.conf") != std::string::npos);
  }

  TEST_CASE("the server takes its settings from the file and the command line wins") {
    const auto from_file = imchat::test::free_tcp_port();
    const auto from_command_line = imchat::test::free_tcp_port();
    const config_file file("listen = 127.0.0.1\nport = " + std::to_string(from_file) + "\nlog-level = debug\n");

    {
      imchat::test::child_process server({IMCHAT_BINARY, "server", "--config", file.path()});
      CHECK(imchat::test::wait_for_tcp_port(from_file));
      CHECK(server.wait_for_stderr("debug"));  // log-level came from the file too
    }
    imchat::test::child_process server(
        {IMCHAT_BINARY, "server", std::to_string(from_command_line), "--config", file.path()});
    CHECK(imchat::test::wait_for_tcp_port(from_command_line));
    CHECK_FALSE(imchat::test::raw_tcp_client::try_connect(from_file, std::chrono::milliseconds(500)));
  }
}
