#pragma once
// The locator's client of imchat's own directory server (`imchat server`): one framed
// connection on the backend's thread, reconnected by itself with backoff, requests
// numbered and resent after a reconnection, the names registered again first.

#include "directory/detail/locator_backend.hpp"
#include "net/endpoint.hpp"

#include <memory>

namespace imchat::directory::detail {

std::shared_ptr<locator_backend> make_native_locator(std::string directory, net::host_and_port address,
                                                     locator_options options);

}  // namespace imchat::directory::detail
