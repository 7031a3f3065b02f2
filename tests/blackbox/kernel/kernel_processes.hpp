#pragma once
// The processes of the kernel's black-box tests: an `imchat server` for them to meet at,
// and kernel_peer programs (tests/tools/kernel_peer.cpp, its path the macro
// IMCHAT_KERNEL_PEER) that use the kernel API as the tutorial's programs do.

#include "support/child_process.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace imchat::test {

// `imchat server` listening on 127.0.0.1 at a port nothing else uses.
class directory_server_process {
 public:
  // Starts it and waits until it listens; throws std::runtime_error if it does not.
  directory_server_process();

  // "127.0.0.1:PORT", for --directory and kernel_peer.
  const std::string& address() const noexcept { return address_; }
  child_process& process() noexcept { return server_; }

 private:
  std::string address_;
  child_process server_;
};

// `kernel_peer DIRECTORY ARGS...`.
child_process start_kernel_peer(const std::string& directory, std::vector<std::string> args);

// Reads lines from the child's stdout until `enough(lines so far)` holds or the timeout
// passes (or its stdout ends); returns every line read.
std::vector<std::string> read_lines_until(child_process& child,
                                          const std::function<bool(const std::vector<std::string>&)>& enough,
                                          std::chrono::milliseconds timeout);

}  // namespace imchat::test
