#pragma once
// Whether this build runs under AddressSanitizer, for the few tests whose figures it
// changes (memory use, file descriptors, speed).

namespace imchat::test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool sanitized_build = true;
#else
inline constexpr bool sanitized_build = false;
#endif

}  // namespace imchat::test
