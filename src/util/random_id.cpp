#include "util/random_id.hpp"

#include <mutex>
#include <random>

namespace imchat {

std::uint64_t random_id() {
  // Seeded once from the OS; two processes started in the same instant still differ.
  static std::mutex mutex;
  static std::mt19937_64 generator{[] {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
  }()};
  std::lock_guard lock(mutex);
  std::uint64_t id = 0;
  while (id == 0) id = generator();
  return id;
}

}  // namespace imchat
