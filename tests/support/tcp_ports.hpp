#pragma once
// TCP ports on 127.0.0.1, where every server a test starts listens.

#include "support/deadline.hpp"

#include <netinet/in.h>

#include <chrono>
#include <cstdint>

namespace imchat::test {

// A port nothing listens on right now: the kernel picks it for a socket bound to
// 127.0.0.1:0, which is then closed. Another process may take it before the server under
// test does, but ephemeral ports are handed out in turn, so that is rare.
std::uint16_t free_tcp_port();

// True once a connection to 127.0.0.1:port succeeds (the server sees it open and close);
// false if none has when the timeout passes.
bool wait_for_tcp_port(std::uint16_t port, std::chrono::milliseconds timeout = default_timeout);

// The address 127.0.0.1:port, for tests that make their own sockets.
sockaddr_in loopback_address(std::uint16_t port);

}  // namespace imchat::test
