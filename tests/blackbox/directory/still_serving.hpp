#pragma once
// The check that follows every abuse of the directory: it still runs, and a well-behaved
// client still gets correct answers.

#include "blackbox/directory/running_directory.hpp"

namespace imchat::test {

// Fails the test unless the server is running and a name one locator registers is found
// by another (with its kind, endpoints and owner), listed, and gone once unregistered.
void check_still_serving(running_directory& server);

}  // namespace imchat::test
