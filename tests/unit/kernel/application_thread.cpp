#include "application_thread.hpp"

namespace imchat::test {

application_thread::application_thread(dispatcher& d, directory::locator* directory, kernel_options options) {
  std::promise<void> created;
  auto ready = created.get_future();
  thread_ = std::thread([this, &d, directory, options, created = std::move(created)]() mutable {
    main(d, directory, options, created);
  });
  try {
    ready.get();
  } catch (...) {
    thread_.join();
    throw;
  }
}

application_thread::~application_thread() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void application_thread::post(std::function<void(api_thread&)> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  changed_.notify_all();
}

void application_thread::main(dispatcher& d, directory::locator* directory, kernel_options options,
                              std::promise<void>& created) {
  std::unique_ptr<api_thread> api;
  try {
    api = api_thread::create(d, directory, options);
  } catch (...) {
    created.set_exception(std::current_exception());
    return;
  }
  created.set_value();
  for (;;) {
    std::function<void(api_thread&)> task;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) break;  // stopping, and nothing left to do
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task(*api);
  }
}

}  // namespace imchat::test
