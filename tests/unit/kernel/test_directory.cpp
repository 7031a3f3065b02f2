#include "test_directory.hpp"

#include "net/endpoint.hpp"

#include <boost/asio/ip/address_v4.hpp>

namespace imchat::test {

namespace {

directory::server_options on_loopback() {
  directory::server_options options;
  options.listen = {{boost::asio::ip::address_v4::loopback(), 0}};
  return options;
}

}  // namespace

test_directory::test_directory()
    : thread_(on_loopback()),
      // One endpoint was asked for, so there is exactly one, with the port the OS chose.
      address_(net::format_endpoint(thread_.local_endpoints().at(0).address(),
                                    thread_.local_endpoints().at(0).port())) {}

}  // namespace imchat::test
