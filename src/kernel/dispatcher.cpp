#include "kernel/dispatcher.hpp"

#include "wire/error.hpp"

#include <system_error>

namespace imchat {

dispatcher::dispatcher(std::size_t thread_count) : capacity_(thread_count) {
  if (thread_count == 0)
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            "a dispatcher needs at least one thread");
}

void dispatcher::claim_thread(std::string_view what) {
  std::lock_guard lock(mutex_);
  if (threads_ >= capacity_)
    throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again),
                            "cannot create another " + std::string(what) + ": the dispatcher was sized for " +
                                std::to_string(capacity_) + " threads");
  ++threads_;
}

void dispatcher::release_thread() noexcept {
  std::lock_guard lock(mutex_);
  --threads_;
}

void dispatcher::add_shared(const std::string& name, detail::object_ref object) {
  std::lock_guard lock(mutex_);
  if (!shared_objects_.emplace(name, std::move(object)).second)
    throw std::system_error(wire::error::name_in_use,
                            "an object named '" + name + "' already exists in this process");
}

void dispatcher::remove_shared(const std::string& name) noexcept {
  std::lock_guard lock(mutex_);
  shared_objects_.erase(name);
}

std::optional<detail::object_ref> dispatcher::find_shared(std::string_view name) const {
  std::lock_guard lock(mutex_);
  const auto found = shared_objects_.find(name);
  if (found == shared_objects_.end()) return std::nullopt;
  return found->second;
}

}  // namespace imchat
