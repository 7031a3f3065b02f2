#include "util/secure_random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <system_error>

namespace imchat {

std::uint64_t secure_random_u64() {
  std::uint64_t value = 0;
  while (value == 0) {
    // Up to 256 bytes come whole from getrandom; only a signal may interrupt it.
    const auto got = ::getrandom(&value, sizeof value, 0);
    if (got < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "getrandom");
    if (got != static_cast<ssize_t>(sizeof value)) value = 0;
  }
  return value;
}

}  // namespace imchat
