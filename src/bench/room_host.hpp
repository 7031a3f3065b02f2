#pragma once
// The room `imchat bench --host-room` measures: a directory on a thread of this process
// (127.0.0.1, a port the OS picks) and the real `imchat room` as a child process
// registered in it, so that the bench measures the very program users run and can watch
// its memory apart from its own. The room keeps its log (the default) in a directory of
// its own, removed afterwards.

#include "directory/directory_thread.hpp"
#include "util/key_file.hpp"

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace imchat::bench {

class room_host {
 public:
  // Starts both and waits until the room is registered; throws std::runtime_error if it
  // is not within `timeout`. With `key_file`, the key in it is the room's and the
  // directory's (`key`, read from it already).
  room_host(std::string room, std::chrono::milliseconds timeout, const std::string& key_file = {},
            const std::optional<secret_key>& key = std::nullopt);
  // Stops the room (SIGTERM, then SIGKILL if it does not end) and the directory.
  ~room_host();
  room_host(const room_host&) = delete;
  room_host& operator=(const room_host&) = delete;

  // "127.0.0.1:PORT", for the locator.
  const std::string& directory() const noexcept { return directory_address_; }
  pid_t pid() const noexcept { return pid_; }

 private:
  void stop_room() noexcept;

  directory::directory_thread directory_;
  std::string directory_address_;
  std::filesystem::path state_;  // the room's log
  pid_t pid_ = 0;
};

}  // namespace imchat::bench
