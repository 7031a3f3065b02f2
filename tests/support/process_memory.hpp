#pragma once
// How much memory a process under test holds, read from /proc, for checks that a daemon's
// memory stays bounded.

#include <cstddef>
#include <sys/types.h>

namespace imchat::test {

// The resident set size of `pid` in KiB (VmRSS); 0 if it cannot be read.
std::size_t resident_kib(pid_t pid);

}  // namespace imchat::test
