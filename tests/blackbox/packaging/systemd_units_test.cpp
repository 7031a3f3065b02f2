// The service units in packaging/systemd/, checked offline as systemd would load them
// (systemd is not PID 1 here): `systemd-analyze verify` is silent, the hardening keeps
// `systemd-analyze security` under our threshold, and the command line a room instance
// runs really starts a room. The key drop-ins (imchat-room-key.conf, imchat-server-key.conf)
// are checked the same way, installed where systemd reads them, and a room instance given
// its key as systemd's credential `key` admits the key's holders and no one else.

#include "support/child_process.hpp"
#include "support/run_program.hpp"
#include "support/scratch_directory.hpp"
#include "support/tcp_ports.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <optional>
#include <fstream>
#include "support/regex.hpp"
#include "support/imchat_binary.hpp"
#include <sstream>
#include <string>
#include <string_view>
#include <sys/stat.h>
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
  // `drop_in` (a file of packaging/systemd/) installed for the unit `unit_name` as an
  // operator installs it: as UNIT.d/key.conf next to the unit. Returns where it went.
  fs::path install_drop_in(const std::string& unit_name, const std::string& drop_in) const {
    const auto directory = dir_ / (unit_name + ".d");
    fs::create_directories(directory);
    fs::copy_file(fs::path(IMCHAT_SYSTEMD_UNITS_DIR) / drop_in, directory / "key.conf",
                  fs::copy_options::overwrite_existing);
    return directory / "key.conf";
  }

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

// The values of a unit file's `setting=` lines (comments left out), in order.
std::vector<std::string> settings_of(const fs::path& unit, std::string_view setting) {
  std::ifstream in(unit);
  REQUIRE_MESSAGE(in, "cannot read " << unit);
  const std::string prefix = std::string(setting) + "=";
  std::vector<std::string> values;
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(prefix)) values.push_back(line.substr(prefix.size()));
  return values;
}

// The words of a unit's one ExecStart= line, split at blanks (the units quote nothing).
std::vector<std::string> exec_start_words(const fs::path& unit) {
  const auto lines = settings_of(unit, "ExecStart");
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

// What ExecStart in packaging/systemd/imchat-room@.service runs for the instance
// `escaped` (the room `unescaped`), read from the unit itself: systemd splits the line
// into words first, then expands %i (the escaped instance) and %I (unescaped) in each
// word. `options` go before the "--" after which the room's name comes, where no option
// can go; the binary is the one under test.
std::vector<std::string> room_instance_command(const std::string& escaped, const std::string& unescaped,
                                               const std::vector<std::string>& options) {
  const auto command = exec_start_words(fs::path(IMCHAT_SYSTEMD_UNITS_DIR) / "imchat-room@.service");
  REQUIRE(command.size() >= 2);
  REQUIRE(command.front() == "/usr/bin/imchat");
  std::vector<std::string> argv{IMCHAT_BINARY};
  bool options_added = false;
  for (auto word = command.begin() + 1; word != command.end(); ++word) {
    if (*word == "--" && !options_added) {
      argv.insert(argv.end(), options.begin(), options.end());
      options_added = true;
    }
    argv.push_back(expand_instance(*word, escaped, unescaped));
  }
  REQUIRE(options_added);
  return argv;
}

// A command line as a failure message shows it, each word in brackets.
std::string shown(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& each : argv) text += " [" + each + "]";
  return text;
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
    // Here the directory is embedded, so that the test needs nothing else.
    const auto port = imchat::test::free_tcp_port();
    const auto directory = "127.0.0.1:" + std::to_string(port);
    const auto argv = room_instance_command(R"(international\x20affairs)", "international affairs",
                                            {"--embedded-directory", "--directory", directory});
    INFO("command line:" << shown(argv));
    imchat::test::child_process room(argv);
    CHECK(room.wait_for_stderr("room 'international affairs' is open", 20s));
    const auto listing = imchat::test::run_program({IMCHAT_BINARY, "server", "--list", "--directory", directory});
    INFO(listing);
    CHECK(listing.stdout_text.find("Q_international affairs") != std::string::npos);
    room.send_signal(SIGTERM);
    CHECK(room.wait_exit(20s) == exit_status::exited(0));
  }

  TEST_CASE("the shipped units name no key and the key drop-ins load each unit's key as the credential key") {
    // LoadCredential= of a file that does not exist keeps a unit from starting (systemd
    // 252): the units themselves must not name one, the drop-ins an operator installs do.
    for (const auto* name : {"imchat-server.service", "imchat-room@.service"}) {
      CAPTURE(name);
      CHECK(settings_of(fs::path(IMCHAT_SYSTEMD_UNITS_DIR) / name, "LoadCredential").empty());
    }
    const unit_sandbox units;
    struct case_ {
      fs::path unit;
      std::string drop_in, escaped, credential;
    };
    // The server last: a room instance loads it too (After=), and it is to be seen with
    // its drop-in only once that drop-in is under test.
    const case_ cases[] = {
        {units.room_instance("cheese"), "imchat-room-key.conf", "cheese", "key:/etc/imchat/keys/cheese.key"},
        {units.room_instance(R"(international\x20affairs)"), "imchat-room-key.conf", R"(international\x20affairs)",
         R"(key:/etc/imchat/keys/international\x20affairs.key)"},
        {units.unit("imchat-server.service"), "imchat-server-key.conf", "", "key:/etc/imchat/keys/directory.key"},
    };
    for (const auto& each : cases) {
      const auto unit_name = each.unit.filename().string();
      CAPTURE(unit_name);
      const auto installed = units.install_drop_in(unit_name, each.drop_in);
      // The unit with its drop-in is still valid: verify prints nothing...
      const auto result = units.analyze({"verify", each.unit.string()});
      INFO(result);
      CHECK(result.status == exit_status::exited(0));
      CHECK(result.stdout_text.empty());
      CHECK(result.stderr_text.empty());
      // ...and it did read the drop-in there: a setting it does not know, added to the
      // drop-in, is reported with the drop-in's path.
      std::ofstream(installed, std::ios::app) << "NoSuchSetting=1\n";
      const auto with_unknown = units.analyze({"verify", each.unit.string()});
      INFO(with_unknown);
      CHECK(with_unknown.stderr_text.find(installed.string()) != std::string::npos);
      CHECK(with_unknown.stderr_text.find("NoSuchSetting") != std::string::npos);
      // What it loads: one credential, `key`, from the instance's file in /etc/imchat/keys.
      const auto credentials = settings_of(fs::path(IMCHAT_SYSTEMD_UNITS_DIR) / each.drop_in, "LoadCredential");
      REQUIRE(credentials.size() == 1);
      CHECK(expand_instance(credentials.front(), each.escaped, "") == each.credential);
    }
    // The room's directory key, for a directory with a key of its own: there, commented out.
    const auto room_drop_in = fs::path(IMCHAT_SYSTEMD_UNITS_DIR) / "imchat-room-key.conf";
    CHECK(settings_of(room_drop_in, "#LoadCredential") ==
          std::vector<std::string>{"directory-key:/etc/imchat/keys/directory.key"});
  }

  TEST_CASE("the etcd drop-in hands a room the etcd cluster's CA - client certificate and password as credentials") {
    const unit_sandbox units;
    const auto unit = units.room_instance("cheese");
    const auto installed = units.install_drop_in(unit.filename().string(), "imchat-room-etcd.conf");
    const auto result = units.analyze({"verify", unit.string()});
    INFO(result);
    CHECK(result.status == exit_status::exited(0));
    CHECK(result.stdout_text.empty());
    CHECK(result.stderr_text.empty());
    std::ofstream(installed, std::ios::app) << "NoSuchSetting=1\n";
    const auto with_unknown = units.analyze({"verify", unit.string()});
    INFO(with_unknown);
    CHECK(with_unknown.stderr_text.find("NoSuchSetting") != std::string::npos);
    // The credentials' names are the ones `imchat` reads (cmd/directory_options.cpp).
    CHECK(settings_of(fs::path(IMCHAT_SYSTEMD_UNITS_DIR) / "imchat-room-etcd.conf", "LoadCredential") ==
          std::vector<std::string>{"etcd-ca:/etc/imchat/keys/etcd-ca.crt", "etcd-cert:/etc/imchat/keys/etcd-client.crt",
                                   "etcd-key:/etc/imchat/keys/etcd-client.key",
                                   "etcd-password:/etc/imchat/keys/etcd.password"});
  }

  TEST_CASE("a room instance given its key as the credential key admits the key's holders only") {
    // What systemd does for imchat-room@closed\x20room.service with imchat-room-key.conf:
    // it copies /etc/imchat/keys/closed\x20room.key into a private directory as `key`
    // (mode 0400) and runs the unit's command line with $CREDENTIALS_DIRECTORY naming it.
    // The directory is embedded in the room, so it has the room's key too.
    imchat::test::scratch_directory scratch("credentials");
    const auto credentials = scratch.path() / "credentials";
    fs::create_directories(credentials);
    const auto key = credentials / "key";
    const auto keygen = imchat::test::run_program({IMCHAT_BINARY, "keygen", key.string()});
    INFO(keygen);
    REQUIRE(keygen.status == exit_status::exited(0));
    fs::permissions(key, fs::perms::owner_read);
    const auto directory = "127.0.0.1:" + std::to_string(imchat::test::free_tcp_port());
    const auto argv =
        room_instance_command(R"(closed\x20room)", "closed room", {"--embedded-directory", "--directory", directory});
    INFO("command line:" << shown(argv));
    imchat::test::child_process room(argv, {{"CREDENTIALS_DIRECTORY", credentials.string()}});
    INFO("room stderr:\n" << room.stderr_text());
    REQUIRE(room.wait_for_stderr("room 'closed room' is open", 20s));
    // The others have no credentials: only what their command line says.
    const imchat::test::child_process::environment no_credentials{{"CREDENTIALS_DIRECTORY", ""}};

    // A prompt with the key chats through the room, and a display with it prints the line.
    imchat::test::child_process prompt(
        {IMCHAT_BINARY, "prompt", "closed room", "kofi", "--key-file", key.string(), "--directory", directory},
        no_credentials);
    REQUIRE(prompt.write_stdin("hello through the credential\n"));
    prompt.close_stdin();
    const auto said = prompt.wait_exit(20s);
    INFO("prompt stderr:\n" << prompt.stderr_text());
    CHECK(said == exit_status::exited(0));
    imchat::test::child_process display({IMCHAT_BINARY, "display", "closed room", "--history", "10", "--key-file",
                                         key.string(), "--directory", directory},
                                        no_credentials);
    const bool printed = display.wait_for_stdout("kofi: hello through the credential", 20s);
    INFO("display stdout:\n" << display.stdout_text());
    INFO("display stderr:\n" << display.stderr_text());
    CHECK(printed);
    display.send_signal(SIGTERM);
    CHECK(display.wait_exit(20s) == exit_status::exited(0));

    // A prompt without a key is turned away at once and says why.
    const auto stranger = imchat::test::run_program(
        {IMCHAT_BINARY, "prompt", "closed room", "mallory", "--directory", directory}, no_credentials, 20s);
    INFO(stranger);
    CHECK(stranger.status == exit_status::exited(1));
    CHECK(stranger.stderr_text.find("needs a key") != std::string::npos);

    room.send_signal(SIGTERM);
    CHECK(room.wait_exit(20s) == exit_status::exited(0));
  }

  TEST_CASE("a room instance keeps its log in its StateDirectory across restarts - with a new DynamicUser uid each time") {
    // What systemd does for the unit, done by hand: it runs the room as a dynamic user and
    // points STATE_DIRECTORY at the instance's directory, which it hands (chown -R) to the
    // new dynamic user of each start.
    const auto unit = fs::path(IMCHAT_SYSTEMD_UNITS_DIR) / "imchat-room@.service";
    CHECK(settings_of(unit, "DynamicUser") == std::vector<std::string>{"yes"});
    REQUIRE(settings_of(unit, "StateDirectory") == std::vector<std::string>{"imchat/rooms/%i"});
    imchat::test::scratch_directory scratch("unit-state");
    fs::permissions(scratch.path(), fs::perms::owner_all | fs::perms::others_exec);
    const auto state = scratch.path() / "private" / expand_instance("imchat/rooms/%i", R"(team\x20room)", "team room");
    fs::create_directories(state);
    for (auto up = state.parent_path(); up != scratch.path(); up = up.parent_path())
      fs::permissions(up, fs::perms::owner_all | fs::perms::others_exec);
    // A copy of the binary that the dynamic users may run, wherever the build is.
    const auto binary = scratch.path() / "imchat";
    fs::copy_file(IMCHAT_BINARY, binary);
    fs::permissions(binary, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    const auto port = imchat::test::free_tcp_port();
    const auto directory = "127.0.0.1:" + std::to_string(port);
    const auto run_as = [&](unsigned uid) {
      REQUIRE(::chown(state.c_str(), uid, uid) == 0);
      for (const auto& entry : fs::recursive_directory_iterator(state))
        REQUIRE(::chown(entry.path().c_str(), uid, uid) == 0);
      std::vector<std::string> argv{"/usr/bin/setpriv", "--reuid=" + std::to_string(uid),
                                    "--regid=" + std::to_string(uid), "--clear-groups"};
      for (auto& word : room_instance_command(R"(team\x20room)", "team room",
                                              {"--embedded-directory", "--directory", directory}))
        argv.push_back(std::move(word));
      argv[4] = binary.string();
      INFO("command line:" << shown(argv));
      return imchat::test::child_process(argv, {{"STATE_DIRECTORY", state.string()}});
    };
    {
      auto room = run_as(61'001);
      REQUIRE_MESSAGE(room.wait_for_stderr("room 'team room' is open", 20s), room.stderr_text());
      CHECK(room.stderr_text().find(state.string()) != std::string::npos);
      imchat::test::child_process prompt({IMCHAT_BINARY, "prompt", "team room", "kofi", "--directory", directory});
      REQUIRE(prompt.write_stdin("said before the restart\n", 10s));
      prompt.close_stdin();
      CHECK(prompt.wait_exit(20s) == exit_status::exited(0));
      room.send_signal(SIGTERM);
      CHECK(room.wait_exit(20s) == exit_status::exited(0));
    }
    struct stat log_file {};
    REQUIRE(::stat((state / "room.db").c_str(), &log_file) == 0);
    CHECK(log_file.st_uid == 61'001);
    CHECK((log_file.st_mode & 0077) == 0);

    auto room = run_as(61'002);
    REQUIRE_MESSAGE(room.wait_for_stderr("room 'team room' is open", 20s), room.stderr_text());
    CHECK(room.stderr_text().find("(1 message, the next is number 2)") != std::string::npos);
    imchat::test::child_process display({IMCHAT_BINARY, "display", "team room", "--history", "10", "--directory", directory});
    CHECK(display.wait_for_stdout("kofi: said before the restart\n", 20s));
    room.send_signal(SIGTERM);
    CHECK(room.wait_exit(20s) == exit_status::exited(0));
  }
}
