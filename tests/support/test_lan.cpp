#include "support/test_lan.hpp"

#include "support/netns.hpp"

#include <unistd.h>

#include <stdexcept>

namespace imchat::test {

namespace {
constexpr std::string_view name_prefix = "iml";  // iml<pid>-<host>
constexpr const char* bridge = "lanbr";
}  // namespace

std::optional<std::string> test_lan::unavailable() { return netns::unavailable(name_prefix); }

test_lan::test_lan(const std::vector<std::string>& host_names) {
  netns::remove_leftovers(name_prefix);
  if (host_names.size() > 200) throw std::invalid_argument("test_lan: too many hosts");
  switch_ = netns::name_for(name_prefix, "switch");
  const auto pid = std::to_string(::getpid());
  for (std::size_t i = 0; i < host_names.size(); ++i) {
    const auto number = std::to_string(i + 1);
    // Interface names fit in 15 bytes: l<pid>h<n> and l<pid>s<n>.
    hosts_.push_back({host_names[i], netns::name_for(name_prefix, host_names[i]), "10.214.0." + number,
                      "l" + pid + "h" + number, "l" + pid + "s" + number});
  }
  try {
    build();
  } catch (...) {
    remove();
    throw;
  }
}

test_lan::~test_lan() { remove(); }

const test_lan::host& test_lan::at(std::string_view name) const {
  for (const auto& each : hosts_)
    if (each.name == name) return each;
  throw std::out_of_range("test_lan: no host " + std::string(name));
}

void test_lan::set_link(const host& where, bool up) const {
  netns::ip_or_throw({"-n", switch_, "link", "set", where.switch_port, up ? "up" : "down"});
}

std::vector<std::string> test_lan::run_in(const host& where, std::vector<std::string> argv) {
  return netns::run_in(where.name_space, std::move(argv));
}

void test_lan::build() {
  netns::ip_or_throw({"netns", "add", switch_});
  created_.push_back(switch_);
  netns::ip_or_throw({"-n", switch_, "link", "add", bridge, "type", "bridge"});
  netns::ip_or_throw({"-n", switch_, "link", "set", bridge, "up"});
  for (const auto& each : hosts_) {
    netns::ip_or_throw({"netns", "add", each.name_space});
    created_.push_back(each.name_space);
    netns::ip_or_throw({"-n", each.name_space, "link", "set", "lo", "up"});
    netns::ip_or_throw({"link", "add", each.interface, "netns", each.name_space, "type", "veth", "peer", "name",
                        each.switch_port, "netns", switch_});
    netns::ip_or_throw({"-n", switch_, "link", "set", each.switch_port, "master", bridge});
    netns::ip_or_throw({"-n", switch_, "link", "set", each.switch_port, "up"});
    netns::ip_or_throw({"-n", each.name_space, "addr", "add", each.address + "/24", "dev", each.interface});
    netns::ip_or_throw({"-n", each.name_space, "link", "set", each.interface, "up"});
  }
}

void test_lan::remove() noexcept {
  // Deleting a namespace deletes its interfaces, and with them their veth peers.
  for (const auto& name : created_) {
    try {
      netns::ip({"netns", "delete", name});
    } catch (...) {
      // Best effort: the next run removes what is left.
    }
  }
  created_.clear();
}

}  // namespace imchat::test
