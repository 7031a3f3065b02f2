#pragma once
// Several hosts on one LAN, on one machine, for tests: a network namespace per host, each
// plugged by a veth pair into a bridge in a namespace of its own (the switch), with the
// address 10.214.0.N/24 (N = 1, 2, ... in the order given). Nothing is routed to or from
// the machine's own interfaces. Namespaces and interfaces carry the test process's pid and
// go with the object; those of a killed run go with the next run's.
//
//   test_lan lan({"etcd1", "etcd2", "etcd3", "room", "users"});
//   child_process room(test_lan::run_in(lan.host("room"), {IMCHAT_BINARY, "room", ...}));

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::test {

class test_lan {
 public:
  // Why namespaces cannot be made here, or nullopt when they can.
  static std::optional<std::string> unavailable();

  // Builds the hosts; throws std::runtime_error, having removed what it made, on failure.
  explicit test_lan(const std::vector<std::string>& host_names);
  ~test_lan();
  test_lan(const test_lan&) = delete;
  test_lan& operator=(const test_lan&) = delete;

  struct host {
    std::string name;        // as given
    std::string name_space;
    std::string address;     // 10.214.0.N
    std::string interface;   // the host's end of its cable
    std::string switch_port; // the switch's end
  };
  // Throws std::out_of_range for a name not given.
  const host& at(std::string_view name) const;

  // Unplugs a host's cable at the switch (its packets vanish, nobody is told) or plugs
  // it back.
  void set_link(const host& where, bool up) const;

  static std::vector<std::string> run_in(const host& where, std::vector<std::string> argv);

 private:
  void build();
  void remove() noexcept;

  std::string switch_;  // the bridge's namespace
  std::vector<host> hosts_;
  std::vector<std::string> created_;
};

}  // namespace imchat::test
