// The service units in packaging/systemd/, checked offline as systemd would load them
// (systemd is not PID 1 here): `systemd-analyze verify` is silent, the hardening keeps
// `systemd-analyze security` under our threshold, and the command line a room instance
// runs really starts a room.

#include "support/child_process.hpp"
#include "support/run_program.hpp"
#include "support/tcp_ports.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <optional>
#include <fstream>
#include "support/regex.hpp"
#include "support/imchat_binary.hpp"
#include <sstream>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using imchat::test::exit_status;

namespace {

// The highest exposure score (0 safest, 10 worst) we accept; the units score 1.3 today.
constexpr double exposure_threshold = 2.0;

// A scratch copy of the units, running the binary under test, with the man page where
// `man` finds it (verify checks Documentation=man:imchat(1)).
class unit_sandbox {
 public:
  unit_sandbox() : dir_(fs::temp_directory_path() / ("imchat-units-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "man" / "man1");
    fs::copy_file(IMCHAT_MAN_PAGE, dir_ / "man" / "man1" / "imchat.1");
    for (const auto& unit : fs::directory_iterator(IMCHAT_SYSTEMD_UNITS_DIR)) {
      std::ifstream in(unit.path());
      std::stringstream text;
      text << in.rdbuf();
      std::ofstream(dir_ / unit.path().filename())
          << std::regex_replace(text.str(), std::regex("/usr/bin/imchat"), IMCHAT_BINARY);
    }
  }
  ~unit_sandbox() { fs::remove_all(dir_); }

  // An instance of the room template, as `systemctl enable imchat-room@INSTANCE` makes it.
  fs::path room_instance(const std::string& instance) const {
    const auto path = dir_ / ("imchat-room@" + instance + ".service");
    fs::copy_file(dir_ / "imchat-room@.service", path, fs::copy_options::overwrite_existing);
    return path;
  }
  fs::path unit(const std::string& name) const { return dir_ / name; }

  imchat::test::program_result analyze(std::vector<std::string> args) const {
    args.insert(args.begin(), "/usr/bin/systemd-analyze");
    return imchat::test::run_program(args, {{"MANPATH", (dir_ / "man").string()}}, 60s);
  }

 private:
  fs::path dir_;
};

double exposure_of(const std::string& report) {
  std::smatch found;
  REQUIRE(std::regex_search(report, found, std::regex(R"(Overall exposure level for \S+: ([0-9.]+))")));
  return std::stod(found[1]);
}

// The words of a unit's one ExecStart= line, split at blanks (the units quote nothing).
std::vector<std::string> exec_start_words(const fs::path& unit) {
  std::ifstream in(unit);
  REQUIRE_MESSAGE(in, "cannot read " << unit);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("ExecStart=")) lines.push_back(line.substr(10));
  REQUIRE(lines.size() == 1);
  REQUIRE(lines.front().find_first_of("\"'\\") == std::string::npos);
  std::istringstream words(lines.front());
  std::vector<std::string> result;
  for (std::string word; words >> word;) result.push_back(word);
  return result;
}

// `word` with systemd's %i and %I replaced by the instance, escaped and unescaped, and %%
// by %; any other specifier fails the test (it would need expanding too).
std::string expand_instance(const std::string& word, const std::string& escaped, const std::string& unescaped) {
  std::string out;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (word[i] != '%') {
      out += word[i];
      continue;
    }
    REQUIRE(i + 1 < word.size());
    const char specifier = word[++i];
    if (specifier == 'i') out += escaped;
    else if (specifier == 'I') out += unescaped;
    else if (specifier == '%') out += '%';
    else FAIL("unexpected specifier %" << specifier << " in " << word);
  }
  return out;
}

}  // namespace

TEST_SUITE("systemd") {
  TEST_CASE("systemd-analyze verify prints nothing for the server and for room instances") {
    const unit_sandbox units;
    for (const auto& path : {units.unit("imchat-server.service"), units.room_instance("cheese"),
                             units.room_instance(R"(international\x20affairs)")}) {
      const auto result = units.analyze({"verify", path.string()});
      INFO(path.filename().string() << ": " << result);
      CHECK(result.status == exit_status::exited(0));
      CHECK(result.stdout_text.empty());
      CHECK(result.stderr_text.empty());
    }
  }

  TEST_CASE("systemd-analyze security rates the units under the exposure threshold") {
    const unit_sandbox units;
    for (const auto& path : {units.unit("imchat-server.service"), units.room_instance("cheese")}) {
      const auto result = units.analyze({"security", "--offline=true", path.string()});
      INFO(path.filename().string() << ": " << result);
      CHECK(exposure_of(result.stdout_text) <= exposure_threshold);
    }
  }

  TEST_CASE("the units allow more descriptors than the default connection limits need") {
    // The default --max-connections of each daemon, as its --help states it, for each of
    // its listeners: the directory has one, a room two (its queue and its exchange).
    const std::pair<const char*, const char*> commands[] = {{"imchat-server.service", "server"},
                                                            {"imchat-room@.service", "room"}};
    for (const auto& [name, command] : commands) {
      CAPTURE(name);
      const auto help = imchat::test::run_program({IMCHAT_BINARY, command, "--help"}, {}, 10s);
      std::smatch found;
      REQUIRE(std::regex_search(help.stdout_text, found, std::regex(R"(--max-connections N \(=([0-9]+)\))")));
      const auto listeners = std::string_view(command) == "room" ? 2ul : 1ul;
      const auto max_connections = listeners * std::stoul(found[1]);
      std::ifstream in(fs::path(IMCHAT_SYSTEMD_UNITS_DIR) / name);
      REQUIRE(in);
      std::optional<unsigned long> limit;
      for (std::string line; std::getline(in, line);)
        if (line.starts_with("LimitNOFILE=")) limit = std::stoul(line.substr(12));
      REQUIRE(limit.has_value());
      // One descriptor a connection, and room to spare for listeners, logs and the rest.
      CHECK(*limit >= max_connections + 1024);
    }
  }

  TEST_CASE("a room instance's command line starts the room named by the instance") {
    // What ExecStart in packaging/systemd/imchat-room@.service runs for
    // imchat-room@international\x20affairs, read from the unit itself: systemd splits the
    // line into words first, then expands %i (the escaped instance) and %I (unescaped)
    // in each word. Here the directory is embedded, so that the test needs nothing else.
    const auto command = exec_start_words(fs::path(IMCHAT_SYSTEMD_UNITS_DIR) / "imchat-room@.service");
    REQUIRE(command.size() >= 2);
    REQUIRE(command.front() == "/usr/bin/imchat");
    const auto port = imchat::test::free_tcp_port();
    const auto directory = "127.0.0.1:" + std::to_string(port);
    std::vector<std::string> argv{IMCHAT_BINARY};
    bool options_added = false;
    for (auto word = command.begin() + 1; word != command.end(); ++word) {
      if (*word == "--" && !options_added) {
        argv.insert(argv.end(), {"--embedded-directory", "--directory", directory});
        options_added = true;
      }
      argv.push_back(expand_instance(*word, R"(international\x20affairs)", "international affairs"));
    }
    REQUIRE(options_added);  // the room's name comes after "--", where no option can go
    std::string shown;
    for (const auto& each : argv) shown += " [" + each + "]";
    INFO("command line:" << shown);
    imchat::test::child_process room(argv);
    CHECK(room.wait_for_stderr("room 'international affairs' is open", 20s));
    const auto listing = imchat::test::run_program({IMCHAT_BINARY, "server", "--list", "--directory", directory});
    INFO(listing);
    CHECK(listing.stdout_text.find("Q_international affairs") != std::string::npos);
    room.send_signal(SIGTERM);
    CHECK(room.wait_exit(20s) == exit_status::exited(0));
  }
}
