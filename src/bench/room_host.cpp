#include "bench/room_host.hpp"

#include "chat/room_name.hpp"
#include "directory/locator.hpp"

#include <boost/asio/ip/address_v4.hpp>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <spawn.h>
#include <stdexcept>
#include <system_error>
#include <sys/wait.h>
#include <thread>
#include <vector>

extern char** environ;

namespace imchat::bench {

using namespace std::chrono_literals;

namespace {

directory::server_options loopback_any_port(const std::optional<secret_key>& key) {
  return {.listen = {{boost::asio::ip::address_v4::loopback(), 0}}, .key = key};
}

// Starts this program as `imchat room NAME --directory ADDRESS`, with the signals the
// bench blocks (chat::stop_signal) unblocked again.
pid_t spawn_room(const std::string& room, const std::string& directory, const std::string& key_file,
                 const std::filesystem::path& state) {
  // Every display of a benchmark comes from this one host: it may hold as many as the
  // room holds in all.
  std::vector<std::string> args{"imchat", "room", room, "--directory", directory, "--log-level", "warn",
                                "--max-connections-per-host", "16384", "--state-dir", state.string()};
  if (!key_file.empty()) args.insert(args.end(), {"--key-file", key_file});
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  const int failed = posix_spawn(&pid, "/proc/self/exe", nullptr, &attributes, argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  if (failed) throw std::system_error(failed, std::generic_category(), "starting imchat room");
  return pid;
}

// A new directory under the system's temporary one.
std::filesystem::path new_state_directory() {
  std::string name = (std::filesystem::temp_directory_path() / "imchat-bench-XXXXXX").string();
  if (!::mkdtemp(name.data())) throw std::system_error(errno, std::generic_category(), "creating " + name);
  return name;
}

}  // namespace

room_host::room_host(std::string room, std::chrono::milliseconds timeout, const std::string& key_file,
                     const std::optional<secret_key>& key)
    : directory_(loopback_any_port(key)),
      directory_address_("127.0.0.1:" + std::to_string(directory_.local_endpoints().front().port())),
      state_(new_state_directory()),
      pid_(spawn_room(room, directory_address_, key_file, state_)) {
  directory::locator directory(directory_address_, {.key = key});
  std::error_code ec;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!directory.lookup(chat::exchange_name(room), 1s)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      std::filesystem::remove_all(state_, ec);
      throw std::runtime_error("the room it started ended at once");
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      stop_room();
      std::filesystem::remove_all(state_, ec);
      throw std::runtime_error("the room it started did not open in time");
    }
    std::this_thread::sleep_for(20ms);
  }
}

room_host::~room_host() {
  stop_room();
  std::error_code ignored;
  std::filesystem::remove_all(state_, ignored);
}

void room_host::stop_room() noexcept {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 500; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      return;
    }
    std::this_thread::sleep_for(10ms);
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = 0;
}

}  // namespace imchat::bench
