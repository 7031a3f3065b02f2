#include "support/imchat_binary.hpp"

#include <cstdlib>

namespace imchat::test {

const char* imchat_binary() {
  static const char* const chosen = [] {
    const char* given = std::getenv("IMCHAT_TEST_BINARY");
    return given && *given ? given : IMCHAT_BUILT_BINARY;
  }();
  return chosen;
}

}  // namespace imchat::test
