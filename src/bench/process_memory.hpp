#pragma once
// A process's resident memory, as the kernel reports it in /proc/PID/status (VmRSS).

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace imchat::bench {

// Kibibytes, or nullopt when the process is gone (or /proc is not there).
std::optional<std::int64_t> resident_kib(pid_t pid);

}  // namespace imchat::bench
