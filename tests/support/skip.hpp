#pragma once
// A test that cannot check anything on this host (no IPv6 link-local address, no network
// namespaces, no .deb to look at) says so instead of passing: report_skip prints
// IMCHAT_TEST_SKIPPED and the reason, which ctest's SKIP_REGULAR_EXPRESSION
// (tests/CMakeLists.txt) turns into a skipped test, for unit and black-box tests alike.
// In CI a skip fails its stage unless tests/allowed-skips.txt lists it (tests/run.sh).
//
//   if (!host_has_link_local) return imchat::test::report_skip("no IPv6 link-local address");

#include <string_view>

namespace imchat::test {

inline constexpr std::string_view skip_marker = "IMCHAT_TEST_SKIPPED";

// Prints "IMCHAT_TEST_SKIPPED: REASON" on stdout (flushed). The caller returns at once,
// having checked nothing.
void report_skip(std::string_view reason);

}  // namespace imchat::test
