#pragma once
// Random numbers for secrets (a publisher's stream secret): from the kernel's CSPRNG, not
// from a seeded generator whose outputs give away the ones that follow.

#include <cstdint>

namespace imchat {

// Never 0, which the protocol reserves for "none". Throws std::system_error if the OS
// has no randomness to give (getrandom fails), which it does not once booted.
std::uint64_t secure_random_u64();

}  // namespace imchat
