#include "support/unique_fd.hpp"

#include <unistd.h>

namespace imchat::test {

void unique_fd::reset(int fd) noexcept {
  // close() is not retried on EINTR: on Linux the descriptor is gone either way.
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

}  // namespace imchat::test
