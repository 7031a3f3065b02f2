#include "chat/waiting.hpp"

#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>

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
  if (!wait_for_directory(directory, policy)) return false;
  try {
    if (directory.lookup(name, 2s)) return true;
  } catch (const std::system_error&) {
    if (directory.failure()) throw;
    // The directory went away meanwhile: the wait below rides that out.
  }
  std::cerr << "imchat: waiting for " << what << " to start...\n";
  // The directory says when the name comes (etcd watches it; imchat's own is asked again
  // and again): this thread only looks at the clock and the stop signal meanwhile.
  struct outcome {
    std::mutex mutex;
    std::condition_variable changed;
    bool done = false;
  };
  auto result = std::make_shared<outcome>();
  const auto wait = directory.async_await(name, [result](std::error_code, std::optional<wire::record>) {
    {
      std::lock_guard lock(result->mutex);
      result->done = true;
    }
    result->changed.notify_all();
  });
  for (;;) {
    {
      std::unique_lock lock(result->mutex);
      if (result->changed.wait_for(lock, 200ms, [&] { return result->done; })) break;
    }
    if (auto failure = directory.failure()) throw *failure;  // no wait can mend it
    if (out_of_time(policy)) {
      if (!(policy.stop && policy.stop->requested())) std::cerr << "imchat: gave up waiting for " << what << "\n";
      return false;
    }
  }
  if (auto failure = directory.failure()) throw *failure;
  return true;
}

}  // namespace imchat::chat
