#pragma once
// What one program using the kernel owns: a dispatcher, a locator, one I/O thread and its
// application threads, as the tutorial's programs set them up. A test makes several of
// these to stand for separate programs: they share nothing but the directory, so a
// binding between two of them goes through the directory and over TCP, exactly as
// between processes, while the test can still look inside both.

#include "application_thread.hpp"
#include "directory/locator.hpp"
#include "kernel/api_thread.hpp"

#include <memory>
#include <string>
#include <vector>

namespace imchat::test {

class simulated_process {
 public:
  simulated_process(const std::string& directory_address, std::size_t application_threads = 1,
                    kernel_options options = {});
  // Application threads first (they leave the directory and stop their bindings through
  // the I/O thread and the locator), then the I/O thread, whose end closes every
  // connection the process had, then the locator.
  ~simulated_process();

  // Throws std::out_of_range for a thread that does not exist (any more).
  application_thread& app(std::size_t index = 0);
  // Ends one application thread (its api_thread closes what it holds), while the rest of
  // the program, its I/O thread included, goes on.
  void end_app(std::size_t index) { apps_.at(index).reset(); }
  io_thread& io() noexcept { return *io_; }
  directory::locator& directory() noexcept { return locator_; }

 private:
  dispatcher dispatcher_;
  directory::locator locator_;
  std::unique_ptr<io_thread> io_;
  std::vector<std::unique_ptr<application_thread>> apps_;
};

}  // namespace imchat::test
