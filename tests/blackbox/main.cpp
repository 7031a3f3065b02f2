// The black-box tests' main. Every test case runs in a process of its own (ctest), and
// the rooms it starts keep their logs in a state directory of that process
// (XDG_STATE_HOME, which `imchat room` reads), removed at the end: a room name used by
// two tests at once, or by a test that ran before, is a different room each time.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>

int main(int argc, char** argv) {
  const auto state = std::filesystem::temp_directory_path() / ("imchat-state-" + std::to_string(::getpid()));
  ::setenv("XDG_STATE_HOME", state.c_str(), 1);
  ::unsetenv("STATE_DIRECTORY");
  doctest::Context context(argc, argv);
  const int status = context.run();
  std::error_code ignored;
  std::filesystem::remove_all(state, ignored);
  return status;
}
