#pragma once
// The locator's client of an etcd cluster (docs/etcd.md): each name a key under the
// prefix, its value the record (etcd_record.hpp), created only if absent and bound to
// one lease per locator, kept alive every third of its TTL (the peer timeout). A lease
// that ran out (this process was cut off or frozen for longer) is replaced and every
// name registered again; one taken meanwhile is taken back when its holder goes
// (held_names). Waiting for a name watches its key. On closing, the lease is revoked:
// the names go at once, as when a connection to imchat's own directory closes.

#include "directory/detail/locator_backend.hpp"
#include "net/endpoint.hpp"

#include <memory>
#include <string>
#include <vector>

namespace imchat::directory::etcd {

// Throws std::system_error (std::errc::invalid_argument) when a TLS file cannot be used.
std::shared_ptr<detail::locator_backend> make_etcd_locator(std::string directory, std::vector<net::host_and_port> members,
                                                           locator_options options);

}  // namespace imchat::directory::etcd
