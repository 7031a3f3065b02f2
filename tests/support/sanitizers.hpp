#pragma once
// Whether this build runs under AddressSanitizer or ThreadSanitizer, for the few tests
// whose figures they change (memory use, file descriptors, speed).

namespace imchat::test {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool sanitized_build = true;
#else
inline constexpr bool sanitized_build = false;
#endif

}  // namespace imchat::test
