#pragma once
// Three hosts on one machine for tests: network namespaces joined pairwise by veth pairs,
// each end with an address in 10.213.0.0/16, a private range that exists only inside
// them (nothing is routed to or from the machine's own interfaces).
//
//            10.213.1.0/24                10.213.3.0/24
//   server ----------------- room ----------------------- user
//      |         .1     .2           .1                .2    |
//      +---------------------------------------------------+
//                      10.213.2.0/24 (.1 server, .2 user)
//
// Names carry the test process's pid, so concurrent runs do not collide; the namespaces
// (and with them their interfaces) are deleted when the object goes, and namespaces left
// behind by a killed run are deleted by the next one.

#include <optional>
#include <string>
#include <vector>

namespace imchat::test {

class test_network {
 public:
  // Why namespaces cannot be made here (not root, no `ip` command, not permitted), or
  // std::nullopt when they can.
  static std::optional<std::string> unavailable();

  // Creates the three hosts; throws std::runtime_error, having removed what it made, when
  // that fails.
  test_network();
  ~test_network();
  test_network(const test_network&) = delete;
  test_network& operator=(const test_network&) = delete;

  struct host {
    std::string name_space;
    std::string to_server, to_room, to_user;  // interface names (empty: no such link)
  };
  const host& server() const noexcept { return server_; }
  const host& room() const noexcept { return room_; }
  const host& user() const noexcept { return user_; }

  // The room's interface to the user keeps its IPv6 link-local address tentative (see
  // build()); what `ip addr` shows of an interface's tentative addresses ("" for none).
  static std::string tentative_addresses(const host& where, const std::string& interface);

  // Takes a host's interface down (packets to and from it vanish, nobody is told: a cut
  // cable) or up again; throws std::runtime_error when `ip` fails.
  static void set_link(const host& where, const std::string& interface, bool up);
  // Makes `where` know the hardware address of `peer_address` (on `peer`'s
  // `peer_interface`) for good, as a router that stays up does: behind it, a host that
  // vanishes drops packets, SYNs included, in silence, where over a bare link the failed
  // address resolution would refuse connections at once.
  static void pin_neighbour(const host& where, const std::string& interface, const host& peer,
                            const std::string& peer_interface, const std::string& peer_address);

  // The command line that runs argv inside a host's namespace.
  static std::vector<std::string> run_in(const host& where, std::vector<std::string> argv);

  // Addresses on each link.
  static constexpr const char* server_address_for_room = "10.213.1.1";
  static constexpr const char* room_address_for_server = "10.213.1.2";
  static constexpr const char* server_address_for_user = "10.213.2.1";
  static constexpr const char* user_address_for_server = "10.213.2.2";
  static constexpr const char* room_address_for_user = "10.213.3.1";
  static constexpr const char* user_address_for_room = "10.213.3.2";

 private:
  void build();
  void remove() noexcept;

  host server_, room_, user_;
  std::vector<std::string> created_;  // namespaces to delete
};

}  // namespace imchat::test
