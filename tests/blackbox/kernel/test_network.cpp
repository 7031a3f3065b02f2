#include "blackbox/kernel/test_network.hpp"

#include "support/netns.hpp"
#include "support/run_program.hpp"

#include <unistd.h>

#include <sstream>
#include <stdexcept>

namespace imchat::test {

namespace {

constexpr std::string_view name_prefix = "imk";  // imk<pid>-<host>

using netns::ip;
using netns::ip_or_throw;

}  // namespace

std::optional<std::string> test_network::unavailable() { return netns::unavailable(name_prefix); }

test_network::test_network() {
  netns::remove_leftovers(name_prefix);
  server_.name_space = netns::name_for(name_prefix, "server");
  room_.name_space = netns::name_for(name_prefix, "room");
  user_.name_space = netns::name_for(name_prefix, "user");
  // Interface names must fit in 15 bytes: k<pid><from><to>.
  const auto interface = [&](char from, char to) { return "k" + std::to_string(::getpid()) + from + to; };
  server_.to_room = interface('s', 'r');
  server_.to_user = interface('s', 'u');
  room_.to_server = interface('r', 's');
  room_.to_user = interface('r', 'u');
  user_.to_server = interface('u', 's');
  user_.to_room = interface('u', 'r');
  try {
    build();
  } catch (...) {
    remove();
    throw;
  }
}

test_network::~test_network() { remove(); }

void test_network::set_link(const host& where, const std::string& interface, bool up) {
  ip_or_throw({"-n", where.name_space, "link", "set", interface, up ? "up" : "down"});
}

void test_network::pin_neighbour(const host& where, const std::string& interface, const host& peer,
                                 const std::string& peer_interface, const std::string& peer_address) {
  // "NAME STATE MAC ...", from `ip -br link`.
  std::istringstream shown(ip({"-n", peer.name_space, "-br", "link", "show", "dev", peer_interface}).stdout_text);
  std::string name, state, mac;
  if (!(shown >> name >> state >> mac)) throw std::runtime_error("no hardware address for " + peer_interface);
  ip_or_throw({"-n", where.name_space, "neigh", "replace", peer_address, "lladdr", mac, "dev", interface, "nud",
               "permanent"});
}

std::vector<std::string> test_network::run_in(const host& where, std::vector<std::string> argv) {
  return netns::run_in(where.name_space, std::move(argv));
}

void test_network::build() {
  for (const auto* each : {&server_, &room_, &user_}) {
    ip_or_throw({"netns", "add", each->name_space});
    created_.push_back(each->name_space);
    ip_or_throw({"-n", each->name_space, "link", "set", "lo", "up"});
  }
  struct link_end {
    const host& on;
    const std::string& interface;
    const char* address;
  };
  const auto join_hosts = [](const link_end& a, const link_end& b) {
    ip_or_throw({"link", "add", a.interface, "netns", a.on.name_space, "type", "veth", "peer", "name", b.interface,
                 "netns", b.on.name_space});
    for (const auto& side : {a, b})
      ip_or_throw({"-n", side.on.name_space, "addr", "add", std::string(side.address) + "/24", "dev", side.interface});
  };
  join_hosts({server_, server_.to_room, server_address_for_room}, {room_, room_.to_server, room_address_for_server});
  join_hosts({server_, server_.to_user, server_address_for_user}, {user_, user_.to_server, user_address_for_server});
  join_hosts({room_, room_.to_user, room_address_for_user}, {user_, user_.to_room, user_address_for_room});

  // Duplicate address detection on the room's interface to the user takes ~1000 s
  // instead of ~1 s, so its IPv6 link-local address stays tentative all along, as every
  // interface's does just after it comes up: a program binding the interface by name
  // must cope with that.
  const auto dad_setting = "/proc/sys/net/ipv6/conf/" + room_.to_user + "/dad_transmits";
  const auto slow_dad = run_program(run_in(room_, {"sh", "-c", "echo 1000 > " + dad_setting}));
  if (slow_dad.status != exit_status::exited(0))
    throw std::runtime_error("cannot set " + dad_setting + ": " + slow_dad.stderr_text);

  for (const auto* each : {&server_, &room_, &user_})
    for (const auto* interface : {&each->to_server, &each->to_room, &each->to_user})
      if (!interface->empty()) ip_or_throw({"-n", each->name_space, "link", "set", *interface, "up"});
}

std::string test_network::tentative_addresses(const host& where, const std::string& interface) {
  return ip({"-n", where.name_space, "-6", "addr", "show", "dev", interface, "tentative"}).stdout_text;
}

void test_network::remove() noexcept {
  for (const auto& name : created_) {
    try {
      ip({"netns", "delete", name});
    } catch (...) {
      // Best effort: the next run removes what is left.
    }
  }
  created_.clear();
}

}  // namespace imchat::test
