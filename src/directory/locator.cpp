#include "directory/locator.hpp"

#include "directory/detail/locator_backend.hpp"
#include "directory/detail/native_locator.hpp"
#include "directory/directory_address.hpp"
#include "directory/etcd/etcd_locator.hpp"

namespace imchat::directory {

namespace {

std::shared_ptr<detail::locator_backend> make_backend(std::string_view directory, locator_options options) {
  std::string why;
  if (is_etcd_address(directory)) {
    std::vector<net::host_and_port> members;
    if (const auto error = parse_etcd_address(directory, members, why)) throw std::system_error(error, why);
    return etcd::make_etcd_locator(std::string(directory), std::move(members), std::move(options));
  }
  net::host_and_port address;
  if (const auto error = parse_directory_address(directory, address, why)) throw std::system_error(error, why);
  return detail::make_native_locator(std::string(directory), std::move(address), std::move(options));
}

}  // namespace

locator::locator(std::string_view directory, locator_options options)
    : backend_(make_backend(directory, std::move(options))) {
  backend_->start();
}

locator::~locator() { backend_->stop(); }

const std::string& locator::directory() const noexcept { return backend_->directory(); }

void locator::register_object(wire::object_kind kind, std::string_view name, std::vector<std::string> endpoints) {
  register_object(kind, name, std::move(endpoints), backend_->options().timeout);
}

void locator::register_object(wire::object_kind kind, std::string_view name, std::vector<std::string> endpoints,
                              std::chrono::milliseconds timeout) {
  backend_->register_object({0, kind, std::string(name), std::move(endpoints)}, timeout);
}

void locator::unregister_object(std::string_view name) {
  backend_->unregister_object(std::string(name), backend_->options().timeout);
}

std::optional<wire::record> locator::lookup(std::string_view name) { return lookup(name, backend_->options().timeout); }

std::optional<wire::record> locator::lookup(std::string_view name, std::chrono::milliseconds timeout) {
  return backend_->lookup(std::string(name), timeout);
}

std::vector<wire::record> locator::list(std::string_view prefix) { return list(prefix, backend_->options().timeout); }

std::vector<wire::record> locator::list(std::string_view prefix, std::chrono::milliseconds timeout) {
  return backend_->list(std::string(prefix), timeout);
}

void locator::async_lookup(std::string name, lookup_handler handler) {
  backend_->async_lookup(std::move(name), std::move(handler));
}

std::shared_ptr<void> locator::async_await(std::string name, lookup_handler handler) {
  return backend_->async_await(std::move(name), std::move(handler));
}

std::vector<lost_name> locator::lost_names() const { return backend_->lost_names(); }

bool locator::connected() const { return backend_->connected(); }

bool locator::wait_connected(std::chrono::milliseconds timeout) const { return backend_->wait_connected(timeout); }

std::optional<std::system_error> locator::failure() const { return backend_->failure(); }

}  // namespace imchat::directory
