#pragma once
// A directory service on a thread of the test process, listening on 127.0.0.1 at a port
// the OS picks, for tests of global objects that need no `imchat server`.

#include "directory/directory_thread.hpp"

#include <string>

namespace imchat::test {

class test_directory {
 public:
  test_directory();

  // "127.0.0.1:PORT", as a locator takes it.
  const std::string& address() const noexcept { return address_; }

 private:
  directory::directory_thread thread_;
  std::string address_;
};

}  // namespace imchat::test
