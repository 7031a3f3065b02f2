#pragma once
// Random 64-bit identities (an exchange's incarnation, a publisher's identity): never 0,
// which the protocol reserves for "none".

#include <cstdint>

namespace imchat {

std::uint64_t random_id();

}  // namespace imchat
