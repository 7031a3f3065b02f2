#pragma once
// The dispatcher interconnects a process's imchat threads (the tutorial's
// dispatcher_t dispatcher (2)): it is sized for the application and I/O threads the
// program uses, and holds the objects every thread can see (process and global scope).

#include "kernel/detail/object_ref.hpp"

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace imchat {

class dispatcher {
 public:
  // `thread_count`: application threads plus I/O threads that will be created.
  explicit dispatcher(std::size_t thread_count);
  dispatcher(const dispatcher&) = delete;
  dispatcher& operator=(const dispatcher&) = delete;

  std::size_t thread_count() const noexcept { return capacity_; }

  // Thread budget: throws std::system_error (resource_unavailable_try_again) past it.
  void claim_thread(std::string_view what);
  void release_thread() noexcept;

  // Process-wide names (process and global scope objects of this process). add throws
  // std::system_error(wire::error::name_in_use) if the name is taken.
  void add_shared(const std::string& name, detail::object_ref object);
  void remove_shared(const std::string& name) noexcept;
  std::optional<detail::object_ref> find_shared(std::string_view name) const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::size_t threads_ = 0;
  std::map<std::string, detail::object_ref, std::less<>> shared_objects_;
};

}  // namespace imchat
