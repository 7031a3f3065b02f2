#include "chat/waiting.hpp"

#include <iostream>
#include <thread>

namespace imchat::chat {
namespace {

using namespace std::chrono_literals;

bool out_of_time(const wait_policy& policy) {
  return (policy.stop && policy.stop->requested()) ||
         (policy.deadline && std::chrono::steady_clock::now() >= *policy.deadline);
}

}  // namespace

bool wait_for_directory(directory::locator& directory, const wait_policy& policy) {
  bool told = false;
  while (!directory.wait_connected(200ms)) {
    if (auto failure = directory.failure()) throw *failure;  // no wait can mend it
    if (out_of_time(policy)) {
      if (!(policy.stop && policy.stop->requested()))
        std::cerr << "imchat: gave up waiting for the directory at " << directory.directory() << "\n";
      return false;
    }
    if (!told) {
      std::cerr << "imchat: waiting for the directory at " << directory.directory() << "...\n";
      told = true;
    }
  }
  return true;
}

bool wait_for_name(directory::locator& directory, const std::string& name, const std::string& what,
                   const wait_policy& policy) {
  bool told = false;
  for (;;) {
    if (!wait_for_directory(directory, policy)) return false;
    try {
      if (directory.lookup(name, 2s)) return true;
    } catch (const std::system_error&) {
      if (directory.failure()) throw;
      // The directory went away meanwhile: wait_for_directory above says so.
    }
    if (out_of_time(policy)) {
      if (!(policy.stop && policy.stop->requested()))
        std::cerr << "imchat: gave up waiting for " << what << "\n";
      return false;
    }
    if (!told) {
      std::cerr << "imchat: waiting for " << what << " to start...\n";
      told = true;
    }
    std::this_thread::sleep_for(250ms);
  }
}

}  // namespace imchat::chat
