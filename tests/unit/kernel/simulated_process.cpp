#include "simulated_process.hpp"

#include <stdexcept>

namespace imchat::test {

simulated_process::simulated_process(const std::string& directory_address, std::size_t application_threads,
                                     kernel_options options)
    : dispatcher_(application_threads + 1), locator_(directory_address), io_(io_thread::create(dispatcher_)) {
  for (std::size_t i = 0; i < application_threads; ++i)
    apps_.push_back(std::make_unique<application_thread>(dispatcher_, &locator_, options));
}

application_thread& simulated_process::app(std::size_t index) {
  if (!apps_.at(index)) throw std::out_of_range("application thread " + std::to_string(index) + " has ended");
  return *apps_[index];
}

simulated_process::~simulated_process() {
  apps_.clear();
  io_.reset();
}

}  // namespace imchat::test
