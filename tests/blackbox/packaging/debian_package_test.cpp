// The Debian package, as packaging/build-deb.sh builds it: unpacked into a scratch root
// (`dpkg-deb -x`, so nothing is installed on this machine), its imchat runs and prints
// the project's version, and every file is where Debian puts it, the same as the source
// it came from. The maintainer scripts enable the server unit but not the room template,
// restart running rooms on upgrade and nothing else of theirs, and lintian finds no errors.
//
// The development package libimchat-dev (the kernel as a library) is checked the same
// way: IMCHAT_DEV_DEB names it, or else it is the libimchat-dev .deb next to IMCHAT_DEB.
//
// Building the package takes minutes, so these tests only run when IMCHAT_DEB names a
// built .deb (tests/run.sh's `deb` stage does that); otherwise they print the skip marker
// that tests/CMakeLists.txt gives ctest as SKIP_REGULAR_EXPRESSION, and are reported as
// skipped. The changelog's version and debian/imchat.postinst's own logic are checked in
// every run: they need no package.

#include "support/child_process.hpp"
#include "support/run_program.hpp"
#include "support/tcp_ports.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include "support/regex.hpp"
#include <set>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using imchat::test::exit_status;
using imchat::test::run_program;

namespace {

constexpr std::string_view skip_marker = "IMCHAT_TEST_SKIPPED";
const fs::path source_dir = IMCHAT_SOURCE_DIR;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot read " << path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The .deb named by IMCHAT_DEB, or nothing (and the skip marker printed) when it is unset.
std::optional<fs::path> package_under_test() {
  const char* deb = std::getenv("IMCHAT_DEB");
  if (deb == nullptr || *deb == '\0') {
    std::cout << skip_marker << ": set IMCHAT_DEB to a .deb that packaging/build-deb.sh built" << std::endl;
    return std::nullopt;
  }
  REQUIRE_MESSAGE(fs::is_regular_file(deb), "IMCHAT_DEB=" << deb << " is not a file");
  return fs::absolute(deb);
}

// libimchat-dev, from the same build as the imchat .deb: IMCHAT_DEV_DEB, or the
// libimchat-dev_VERSION_ARCH.deb next to IMCHAT_DEB. Nothing (skip marker printed) when
// IMCHAT_DEB is unset too.
std::optional<fs::path> dev_package_under_test() {
  const char* dev = std::getenv("IMCHAT_DEV_DEB");
  if (dev != nullptr && *dev != '\0') {
    REQUIRE_MESSAGE(fs::is_regular_file(dev), "IMCHAT_DEV_DEB=" << dev << " is not a file");
    return fs::absolute(dev);
  }
  const auto deb = package_under_test();
  if (!deb) return std::nullopt;
  const std::string name = deb->filename().string();
  REQUIRE_MESSAGE(name.starts_with("imchat_"), "IMCHAT_DEB=" << *deb << " is not an imchat_*.deb");
  const fs::path sibling = deb->parent_path() / ("libimchat-dev_" + name.substr(std::string_view("imchat_").size()));
  REQUIRE_MESSAGE(fs::is_regular_file(sibling),
                  "no " << sibling << " next to IMCHAT_DEB: set IMCHAT_DEV_DEB to the libimchat-dev .deb");
  return sibling;
}

std::string first_line_of(const std::vector<std::string>& command) {
  const auto result = run_program(command);
  INFO(result);
  REQUIRE(result.status == exit_status::exited(0));
  return result.stdout_text.substr(0, result.stdout_text.find('\n'));
}

// Checks that the files (all but directories) under `root` are `expected` (paths relative
// to it), naming each one missing or unexpected; returns the files there.
std::set<std::string> check_files_are_exactly(const fs::path& root, const std::set<std::string>& expected) {
  std::set<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (!entry.is_directory()) files.insert(fs::relative(entry.path(), root).string());
  for (const auto& file : expected) {
    INFO("missing from the package: " << file);
    CHECK(files.contains(file));
  }
  for (const auto& file : files) {
    INFO("in the package but not expected: " << file);
    CHECK(expected.contains(file));
  }
  return files;
}

// The package unpacked: its files under root(), its control files (postinst...) under
// control(). Removed again at the end of the test.
class unpacked_package {
 public:
  explicit unpacked_package(const fs::path& deb)
      : dir_(fs::temp_directory_path() / ("imchat-deb-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const auto& [option, where] : {std::pair{"-x", root()}, std::pair{"-e", control()}}) {
      const auto result = run_program({"dpkg-deb", option, deb.string(), where.string()}, {}, 60s);
      INFO(result);
      REQUIRE(result.status == exit_status::exited(0));
    }
  }
  ~unpacked_package() { fs::remove_all(dir_); }
  unpacked_package(const unpacked_package&) = delete;
  unpacked_package& operator=(const unpacked_package&) = delete;

  fs::path root() const { return dir_ / "root"; }
  fs::path control() const { return dir_ / "control"; }

 private:
  fs::path dir_;
};

std::string control_field(const fs::path& deb, const std::string& field) {
  const auto result = run_program({"dpkg-deb", "--field", deb.string(), field});
  INFO(result);
  REQUIRE(result.status == exit_status::exited(0));
  std::string value = result.stdout_text;
  while (!value.empty() && value.back() == '\n') value.pop_back();
  return value;
}

std::string gunzip(const fs::path& path) {
  const auto result = run_program({"gzip", "--decompress", "--stdout", path.string()});
  INFO(result);
  REQUIRE(result.status == exit_status::exited(0));
  return result.stdout_text;
}

// A postinst run with stand-ins for the commands it drives: `systemctl` (which lists two
// running room instances), `deb-systemd-helper` and `deb-systemd-invoke` each append
// their name and arguments to a log, one line per call, and /run/systemd/system in the
// script is a scratch directory that exists when `systemd_running`. Returns the log.
class postinst_sandbox {
 public:
  postinst_sandbox() : dir_(fs::temp_directory_path() / ("imchat-postinst-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "bin");
    const std::string log = (dir_ / "log").string();
    const auto stub = [&](const std::string& name, const std::string& extra) {
      std::ofstream(dir_ / "bin" / name)
          << "#!/bin/sh\nprintf '%s\\n' \"" << name << " $*\" >> '" << log << "'\n" << extra;
      fs::permissions(dir_ / "bin" / name, fs::perms(0755));
    };
    stub("systemctl",
         "case \"$*\" in *list-units*) printf '%s\\n' "
         "'imchat-room@cheese.service loaded active running imchat chatroom cheese' "
         "'imchat-room@international\\x20affairs.service loaded active running imchat chatroom "
         "international affairs' ;; esac\n");
    stub("deb-systemd-helper", "");
    stub("deb-systemd-invoke", "");
  }
  ~postinst_sandbox() { fs::remove_all(dir_); }
  postinst_sandbox(const postinst_sandbox&) = delete;
  postinst_sandbox& operator=(const postinst_sandbox&) = delete;

  std::string run(const std::string& script, std::vector<std::string> args, bool systemd_running) const {
    fs::remove(dir_ / "log");
    fs::remove_all(dir_ / "run");
    if (systemd_running) fs::create_directories(dir_ / "run/systemd/system");
    const auto path = dir_ / "postinst";
    std::ofstream(path) << std::regex_replace(script, std::regex("/run/systemd/system"),
                                              (dir_ / "run/systemd/system").string());
    args.insert(args.begin(), {"/bin/sh", path.string()});
    const auto result =
        run_program(args, {{"PATH", (dir_ / "bin").string() + ":/usr/sbin:/usr/bin:/sbin:/bin"}, {"DPKG_ROOT", ""}});
    INFO(result);
    CHECK(result.status == exit_status::exited(0));
    return fs::exists(dir_ / "log") ? read_file(dir_ / "log") : std::string();
  }

 private:
  fs::path dir_;
};

constexpr std::string_view rooms_restarted =
    "deb-systemd-invoke try-restart imchat-room@cheese.service imchat-room@international\\x20affairs.service\n";

// What a postinst run must never do to rooms: enable, start or restart (rather than
// try-restart) an instance, or touch the template itself.
void check_no_room_started(const std::string& log) {
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("imchat-room@") == std::string::npos) continue;
    INFO(line);
    CHECK(line.find("imchat-room@.service") == std::string::npos);
    CHECK(!std::regex_search(line, std::regex(R"(^deb-systemd-helper|^systemctl (?!list-units)|^deb-systemd-invoke (?!try-restart ))")));
  }
}

}  // namespace

TEST_SUITE("debian") {
  TEST_CASE("debian/changelog has the version of CMakeLists.txt") {
    // The top entry's "imchat (VERSION) DISTRIBUTION; urgency=...". The package is native,
    // so its version is the project's exactly, and build-deb.sh names the .deb after it.
    const std::string changelog = read_file(source_dir / "debian" / "changelog");
    std::smatch top;
    REQUIRE(std::regex_search(changelog, top, std::regex(R"(^imchat \(([^)]*)\) )")));
    CHECK(top[1].str() == IMCHAT_VERSION);
  }

  TEST_CASE("the package is imchat at the project's version for this architecture") {
    const auto deb = package_under_test();
    if (!deb) return;
    const auto arch = run_program({"dpkg", "--print-architecture"});
    REQUIRE(arch.status == exit_status::exited(0));
    const std::string architecture = arch.stdout_text.substr(0, arch.stdout_text.find('\n'));
    CHECK(control_field(*deb, "Package") == "imchat");
    CHECK(control_field(*deb, "Version") == IMCHAT_VERSION);
    CHECK(control_field(*deb, "Architecture") == architecture);
    CHECK(deb->filename() == "imchat_" IMCHAT_VERSION "_" + architecture + ".deb");
    // dh_shlibdeps found the shared libraries the program links: without them here, apt
    // would install a program that cannot start.
    const std::string depends = control_field(*deb, "Depends");
    INFO("Depends: " << depends);
    for (const auto* library : {"libc6", "libstdc++6", "libboost-program-options", "libspdlog", "libfmt"})
      CHECK(depends.find(library) != std::string::npos);
  }

  TEST_CASE("the packaged imchat runs and prints the project's version") {
    const auto deb = package_under_test();
    if (!deb) return;
    const unpacked_package package(*deb);
    const auto result = run_program({(package.root() / "usr/bin/imchat").string(), "--version"});
    INFO(result);
    CHECK(result.status == exit_status::exited(0));
    CHECK(result.stdout_text == "imchat " IMCHAT_VERSION "\n");
  }

  TEST_CASE("the package holds its files where Debian puts them and nothing else") {
    const auto deb = package_under_test();
    if (!deb) return;
    const unpacked_package package(*deb);
    const auto root = package.root();

    // Every regular file, so that a file installed somewhere unexpected fails too.
    const std::set<std::string> expected{
        "usr/bin/imchat",
        "usr/share/man/man1/imchat.1.gz",
        "usr/share/man/man7/imchat-protocol.7.gz",
        "lib/systemd/system/imchat-server.service",
        "lib/systemd/system/imchat-room@.service",
        "usr/share/bash-completion/completions/imchat",
        "usr/share/doc/imchat/examples/room.conf",
        "usr/share/doc/imchat/examples/imchat-room-key.conf",
        "usr/share/doc/imchat/examples/imchat-server-key.conf",
        "usr/share/doc/imchat/examples/imchat-room-etcd.conf",
        "usr/share/doc/imchat/copyright",
        "usr/share/doc/imchat/changelog.gz",
        "usr/share/lintian/overrides/imchat",
    };
    check_files_are_exactly(root, expected);

    // Each is the file in the source tree (the man pages compressed, as Debian wants).
    CHECK(gunzip(root / "usr/share/man/man1/imchat.1.gz") == read_file(source_dir / "man/imchat.1"));
    CHECK(gunzip(root / "usr/share/man/man7/imchat-protocol.7.gz") ==
          read_file(source_dir / "man/imchat-protocol.7"));
    for (const auto* unit : {"imchat-server.service", "imchat-room@.service"})
      CHECK(read_file(root / "lib/systemd/system" / unit) == read_file(source_dir / "packaging/systemd" / unit));
    CHECK(read_file(root / "usr/share/bash-completion/completions/imchat") ==
          read_file(source_dir / "packaging/bash-completion/imchat"));
    CHECK(read_file(root / "usr/share/doc/imchat/examples/room.conf") ==
          read_file(source_dir / "packaging/examples/room.conf"));
    for (const auto* drop_in : {"imchat-room-key.conf", "imchat-server-key.conf", "imchat-room-etcd.conf"})
      CHECK(read_file(root / "usr/share/doc/imchat/examples" / drop_in) ==
            read_file(source_dir / "packaging/systemd" / drop_in));

    // The directory the room units read NAME.conf from exists, empty: there is no room
    // until an operator adds one.
    CHECK(fs::is_directory(root / "etc/imchat/rooms"));
    CHECK(fs::is_empty(root / "etc/imchat/rooms"));
    // The keys' directory, which the key drop-ins read from, is root's alone and empty.
    CHECK(fs::is_directory(root / "etc/imchat/keys"));
    CHECK(fs::is_empty(root / "etc/imchat/keys"));
    CHECK(fs::status(root / "etc/imchat/keys").permissions() == fs::perms(0700));
    CHECK(fs::status(root / "usr/bin/imchat").permissions() == fs::perms(0755));
  }

  TEST_CASE("the maintainer scripts enable and start the server unit but never the room template") {
    const auto deb = package_under_test();
    if (!deb) return;
    const unpacked_package package(*deb);
    const std::string postinst = read_file(package.control() / "postinst");
    INFO("postinst:\n" << postinst);
    CHECK(postinst.find("deb-systemd-helper enable 'imchat-server.service'") != std::string::npos);
    CHECK(std::regex_search(postinst, std::regex(R"(deb-systemd-invoke \S+ 'imchat-server.service')")));
    // "imchat-room@.service" alone is no service to enable or start: instances are the
    // operator's (systemctl enable --now imchat-room@cheese). The only room instances the
    // scripts name are those postinst try-restarts on upgrade (tested below).
    for (const auto* script : {"preinst", "postinst", "prerm", "postrm"}) {
      if (!fs::exists(package.control() / script)) continue;
      INFO(script);
      const std::string text = read_file(package.control() / script);
      CHECK(text.find("imchat-room@.service") == std::string::npos);
      CHECK(!std::regex_search(text, std::regex(R"((deb-systemd-helper|deb-systemd-invoke (start|restart|stop)|systemctl (enable|start|restart|stop|mask)) [^\n]*imchat-room@)")));
      if (std::string_view(script) != "postinst") CHECK(text.find("imchat-room@") == std::string::npos);
    }
  }

  TEST_CASE("debian/imchat.postinst try-restarts running rooms on upgrade and leaves them alone otherwise") {
    // The script as it is in the source tree, before debhelper adds its snippets at
    // #DEBHELPER# (a comment to sh): the package's own logic, checked without a .deb.
    const std::string script = read_file(source_dir / "debian" / "imchat.postinst");
    const postinst_sandbox sandbox;
    // Upgrade from 0.0.9 under systemd: every running instance, in one try-restart.
    const std::string upgrade = sandbox.run(script, {"configure", "0.0.9"}, true);
    INFO("upgrade log:\n" << upgrade);
    CHECK(upgrade.find(rooms_restarted) != std::string::npos);
    check_no_room_started(upgrade);
    // A fresh installation, or any run without systemd: no room is looked at.
    for (const auto& [args, systemd] : {std::pair{std::vector<std::string>{"configure", ""}, true},
                                        std::pair{std::vector<std::string>{"configure"}, true},
                                        std::pair{std::vector<std::string>{"configure", "0.0.9"}, false},
                                        std::pair{std::vector<std::string>{"abort-upgrade", "0.1.1"}, true},
                                        std::pair{std::vector<std::string>{"abort-remove"}, true}}) {
      const std::string log = sandbox.run(script, args, systemd);
      std::string run = "postinst";
      for (const auto& arg : args) run += " '" + arg + "'";
      run += systemd ? " with systemd" : " without systemd";
      INFO(run << ":\n" << log);
      CHECK(log.find("imchat-room@") == std::string::npos);
    }
  }

  TEST_CASE("the packaged postinst restarts the server then the running rooms on upgrade and starts no room on installation") {
    const auto deb = package_under_test();
    if (!deb) return;
    const unpacked_package package(*deb);
    const std::string script = read_file(package.control() / "postinst");
    const postinst_sandbox sandbox;

    const std::string upgrade = sandbox.run(script, {"configure", "0.0.9"}, true);
    INFO("upgrade log:\n" << upgrade);
    const auto server = upgrade.find("deb-systemd-invoke restart imchat-server.service\n");
    const auto rooms = upgrade.find(rooms_restarted);
    CHECK(server != std::string::npos);
    CHECK(rooms != std::string::npos);
    CHECK(server < rooms);  // the rooms register with the server: it comes back first
    check_no_room_started(upgrade);

    const std::string install = sandbox.run(script, {"configure", ""}, true);
    INFO("installation log:\n" << install);
    CHECK(install.find("deb-systemd-helper enable imchat-server.service\n") != std::string::npos);
    CHECK(install.find("deb-systemd-invoke start imchat-server.service\n") != std::string::npos);
    CHECK(install.find("imchat-room@") == std::string::npos);

    const std::string offline = sandbox.run(script, {"configure", "0.0.9"}, false);
    INFO("upgrade without systemd:\n" << offline);
    CHECK(offline.find("imchat-room@") == std::string::npos);
    CHECK(offline.find("deb-systemd-invoke") == std::string::npos);
  }

  TEST_CASE("the packaged imchat runs a room with the example configuration") {
    const auto deb = package_under_test();
    if (!deb) return;
    const unpacked_package package(*deb);
    // The example's settings, with the command line winning where the test needs a free
    // port and an embedded directory: an unknown key or bad value would be a usage error.
    const auto port = imchat::test::free_tcp_port();
    imchat::test::child_process room(
        {(package.root() / "usr/bin/imchat").string(), "room", "--config",
         (package.root() / "usr/share/doc/imchat/examples/room.conf").string(), "--embedded-directory",
         "--directory", "127.0.0.1:" + std::to_string(port), "--", "cheese", "127.0.0.1", "127.0.0.1"});
    const bool open = room.wait_for_stderr("room 'cheese' is open", 20s);
    INFO(room.stderr_text());
    CHECK(open);
    room.send_signal(SIGTERM);
    CHECK(room.wait_exit(20s) == exit_status::exited(0));
  }

  TEST_CASE("lintian finds no errors in the packages") {
    const auto deb = package_under_test();
    if (!deb) return;
    const auto dev = dev_package_under_test();
    REQUIRE(dev);
    // Warnings are allowed (tests/run.sh prints them); errors are not.
    for (const auto& package : {*deb, *dev}) {
      const auto result = run_program({"lintian", "--fail-on", "error", package.string()}, {}, 100s);
      INFO(result);
      CHECK(result.status == exit_status::exited(0));
      CHECK(result.stdout_text.find("E: ") == std::string::npos);
    }
  }

  TEST_CASE("the development package is libimchat-dev from the imchat source at the project's version") {
    const auto dev = dev_package_under_test();
    if (!dev) return;
    const std::string architecture = first_line_of({"dpkg", "--print-architecture"});
    CHECK(control_field(*dev, "Package") == "libimchat-dev");
    CHECK(control_field(*dev, "Source") == "imchat");
    CHECK(control_field(*dev, "Version") == IMCHAT_VERSION);
    CHECK(control_field(*dev, "Architecture") == architecture);
    CHECK(control_field(*dev, "Multi-Arch") == "same");
    CHECK(control_field(*dev, "Section") == "libdevel");
    CHECK(dev->filename() == "libimchat-dev_" IMCHAT_VERSION "_" + architecture + ".deb");
    // What the headers and the static library need, so that find_package(imchat) and
    // pkg-config imchat work once it is installed.
    const std::string depends = control_field(*dev, "Depends");
    INFO("Depends: " << depends);
    for (const auto* package : {"libboost-dev", "libspdlog-dev", "libfmt-dev"})
      CHECK(depends.find(package) != std::string::npos);
  }

  TEST_CASE("the development package holds the library and its public headers and CMake and pkg-config files and examples and nothing else") {
    const auto dev = dev_package_under_test();
    if (!dev) return;
    const unpacked_package package(*dev);
    const auto root = package.root();
    const std::string multiarch = first_line_of({"dpkg-architecture", "-qDEB_HOST_MULTIARCH"});
    const std::string libdir = "usr/lib/" + multiarch;

    // The headers: exactly the build's closure of src/imchat.hpp, each as in src/.
    std::set<std::string> headers;
    std::istringstream listed{std::string(IMCHAT_PUBLIC_HEADERS)};
    for (std::string header; listed >> header;) headers.insert(header);
    REQUIRE(headers.contains("imchat.hpp"));
    REQUIRE(headers.contains("kernel/api_thread.hpp"));
    REQUIRE(headers.contains("directory/locator.hpp"));
    std::set<std::string> expected{
        libdir + "/libimchat.a",
        libdir + "/cmake/imchat/imchat-config.cmake",
        libdir + "/cmake/imchat/imchat-config-version.cmake",
        libdir + "/cmake/imchat/imchat-targets.cmake",
        libdir + "/cmake/imchat/imchat-targets-none.cmake",  // dh builds CMAKE_BUILD_TYPE=None
        libdir + "/pkgconfig/imchat.pc",
        "usr/share/doc/libimchat-dev/copyright",
        "usr/share/doc/libimchat-dev/changelog.gz",
    };
    for (const auto& header : headers) expected.insert("usr/include/imchat/" + header);
    for (const auto& entry : fs::directory_iterator(source_dir / "examples"))
      expected.insert("usr/share/doc/libimchat-dev/examples/" + entry.path().filename().string());

    const auto files = check_files_are_exactly(root, expected);
    for (const auto& header : headers) {
      INFO(header);
      if (files.contains("usr/include/imchat/" + header))
        CHECK(read_file(root / "usr/include/imchat" / header) == read_file(source_dir / "src" / header));
    }
    for (const auto& entry : fs::directory_iterator(source_dir / "examples")) {
      const auto installed = root / "usr/share/doc/libimchat-dev/examples" / entry.path().filename();
      if (fs::exists(installed)) CHECK(read_file(installed) == read_file(entry.path()));
    }

    // A static archive; the CMake package and the .pc point into /usr/include/imchat.
    CHECK(read_file(root / libdir / "libimchat.a").starts_with("!<arch>\n"));
    const std::string targets = read_file(root / libdir / "cmake/imchat/imchat-targets.cmake");
    CHECK(targets.find("add_library(imchat::imchat STATIC IMPORTED)") != std::string::npos);
    CHECK(targets.find("INTERFACE_INCLUDE_DIRECTORIES \"${_IMPORT_PREFIX}/include/imchat\"") != std::string::npos);
    const std::string config = read_file(root / libdir / "cmake/imchat/imchat-config.cmake");
    for (const auto* dependency : {"find_dependency(Boost", "find_dependency(spdlog", "find_dependency(Threads"})
      CHECK(config.find(dependency) != std::string::npos);
    const std::string pc = read_file(root / libdir / "pkgconfig/imchat.pc");
    INFO("imchat.pc:\n" << pc);
    CHECK(pc.find("prefix=/usr\n") != std::string::npos);
    CHECK(pc.find("libdir=${prefix}/lib/" + multiarch + "\n") != std::string::npos);
    CHECK(pc.find("Version: " IMCHAT_VERSION "\n") != std::string::npos);
    CHECK(pc.find("Cflags: -I${includedir}/imchat") != std::string::npos);
    CHECK(pc.find("Libs: -L${libdir} -limchat") != std::string::npos);
  }
}
