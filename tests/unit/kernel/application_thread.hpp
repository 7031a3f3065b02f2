#pragma once
// An application thread for kernel tests: a std::thread that owns one api_thread (created
// and destroyed on that thread, as the kernel requires) and runs the work the test hands
// it, one task at a time, in order. The test then reads as a sequence of steps on named
// threads, and an exception in a step comes back to the test through the step's future
// instead of terminating the process.
//
//   imchat::test::application_thread a(dispatcher), b(dispatcher);
//   a.call([](imchat::api_thread& api) { api.create_queue("Q", imchat::scope::process); });
//   auto sending = b.run([](imchat::api_thread& api) { ... api.send(id, m); });
//   auto got = a.call([](imchat::api_thread& api) { return api.receive(5s); });

#include "kernel/api_thread.hpp"
#include "support/deadline.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <type_traits>

namespace imchat::directory {
class locator;
}

namespace imchat::test {

class application_thread {
 public:
  // Starts the thread and creates its api_thread there; rethrows what creating it threw.
  explicit application_thread(dispatcher& d, directory::locator* directory = nullptr, kernel_options options = {});
  // Runs the tasks already handed over, destroys the api_thread on its thread, joins.
  ~application_thread();
  application_thread(const application_thread&) = delete;
  application_thread& operator=(const application_thread&) = delete;

  // Hands `work(api)` to the thread; the future holds its result or its exception.
  template <class Work>
  auto run(Work work) -> std::future<std::invoke_result_t<Work&, api_thread&>> {
    using result = std::invoke_result_t<Work&, api_thread&>;
    auto task = std::make_shared<std::packaged_task<result(api_thread&)>>(std::move(work));
    auto future = task->get_future();
    post([task](api_thread& api) { (*task)(api); });
    return future;
  }

  // run() and wait for the result. A step that takes longer than `timeout` throws
  // std::runtime_error: the test fails instead of hanging (the thread itself is still
  // stuck then, so keep every blocking call in a step bounded).
  template <class Work>
  auto call(Work work, std::chrono::milliseconds timeout = default_timeout) {
    auto future = run(std::move(work));
    if (future.wait_for(timeout) != std::future_status::ready)
      throw std::runtime_error("an application thread's step did not finish in time");
    return future.get();
  }

 private:
  void post(std::function<void(api_thread&)> task);
  void main(dispatcher& d, directory::locator* directory, kernel_options options, std::promise<void>& created);

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void(api_thread&)>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace imchat::test
