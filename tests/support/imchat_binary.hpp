#pragma once
// The imchat program the black-box tests run: the one this build made, or the one
// $IMCHAT_TEST_BINARY names. The deb stage of tests/run.sh points it at the Debian
// package's binary (built with Debian's flags, assertions on) to run the hostile-peer
// tests against what operators install.
//
//   child_process room({IMCHAT_BINARY, "room", "cheese"});

namespace imchat::test {

// $IMCHAT_TEST_BINARY when set and not empty, else the imchat of this build.
const char* imchat_binary();

}  // namespace imchat::test

#define IMCHAT_BINARY (::imchat::test::imchat_binary())
