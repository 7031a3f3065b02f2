#pragma once
// The TLS settings for an etcd cluster's members (--etcd-ca, --etcd-cert, --etcd-key):
// TLS 1.2 or newer, the members' certificates verified against the CA (or the system's
// CAs where only a client certificate is given), and this client's certificate shown.

#include <utility>  // before Asio: GCC 12 with Boost 1.74 under C++20 needs it

#include "directory/locator.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>

namespace imchat::directory::etcd {

// None where no TLS is asked for. Throws std::system_error (invalid_argument) naming the
// option and the file that cannot be used.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const etcd_options& etcd);

}  // namespace imchat::directory::etcd
