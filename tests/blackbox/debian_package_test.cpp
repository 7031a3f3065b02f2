// The Debian package, as packaging/build-deb.sh builds it: unpacked into a scratch root
// (`dpkg-deb -x`, so nothing is installed on this machine), its imchat runs and prints
// the project's version, and every file is where Debian puts it, the same as the source
// it came from. The maintainer scripts enable the server unit but not the room template,
// and lintian finds no errors.
//
// Building the package takes minutes, so these tests only run when IMCHAT_DEB names a
// built .deb (tests/run.sh's `deb` stage does that); otherwise they print the skip marker
// that tests/CMakeLists.txt gives ctest as SKIP_REGULAR_EXPRESSION, and are reported as
// skipped. The changelog's version is checked in every run: it needs no package.

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
        "lib/systemd/system/imchat-server.service",
        "lib/systemd/system/imchat-room@.service",
        "usr/share/bash-completion/completions/imchat",
        "usr/share/doc/imchat/examples/room.conf",
        "usr/share/doc/imchat/copyright",
        "usr/share/doc/imchat/changelog.gz",
        "usr/share/lintian/overrides/imchat",
    };
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

    // Each is the file in the source tree (the man page compressed, as Debian wants).
    CHECK(gunzip(root / "usr/share/man/man1/imchat.1.gz") == read_file(source_dir / "man/imchat.1"));
    for (const auto* unit : {"imchat-server.service", "imchat-room@.service"})
      CHECK(read_file(root / "lib/systemd/system" / unit) == read_file(source_dir / "packaging/systemd" / unit));
    CHECK(read_file(root / "usr/share/bash-completion/completions/imchat") ==
          read_file(source_dir / "packaging/bash-completion/imchat"));
    CHECK(read_file(root / "usr/share/doc/imchat/examples/room.conf") ==
          read_file(source_dir / "packaging/examples/room.conf"));

    // The directory the room units read NAME.conf from exists, empty: there is no room
    // until an operator adds one.
    CHECK(fs::is_directory(root / "etc/imchat/rooms"));
    CHECK(fs::is_empty(root / "etc/imchat/rooms"));
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
    // operator's (systemctl enable --now imchat-room@cheese).
    for (const auto* script : {"preinst", "postinst", "prerm", "postrm"}) {
      if (!fs::exists(package.control() / script)) continue;
      INFO(script);
      CHECK(read_file(package.control() / script).find("imchat-room@") == std::string::npos);
    }
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

  TEST_CASE("lintian finds no errors in the package") {
    const auto deb = package_under_test();
    if (!deb) return;
    // Warnings are allowed (tests/run.sh prints them); errors are not.
    const auto result = run_program({"lintian", "--fail-on", "error", deb->string()}, {}, 100s);
    INFO(result);
    CHECK(result.status == exit_status::exited(0));
    CHECK(result.stdout_text.find("E: ") == std::string::npos);
  }
}
