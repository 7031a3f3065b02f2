#include "blackbox/directory/still_serving.hpp"

#include "directory/locator.hpp"

#include <doctest/doctest.h>

namespace imchat::test {

void check_still_serving(running_directory& server) {
  INFO("directory log:\n" << server.log());
  REQUIRE(server.running());

  // A fresh name each time, so that a check never depends on an earlier one's cleanup.
  static int probes = 0;
  const std::string name = "Q_probe_" + std::to_string(++probes);
  const std::vector<std::string> endpoints{"127.0.0.1:5555", "[::1]:5555"};

  directory::locator holder(server.address());
  directory::locator reader(server.address());
  holder.register_object(wire::object_kind::queue, name, endpoints);

  const auto found = reader.lookup(name);
  REQUIRE(found.has_value());
  CHECK(found->name == name);
  CHECK(found->kind == wire::object_kind::queue);
  CHECK(found->endpoints == endpoints);
  CHECK(found->owner.starts_with("127.0.0.1:"));

  const auto listed = reader.list(name);
  REQUIRE(listed.size() == 1);
  CHECK(listed.front() == *found);

  holder.unregister_object(name);
  CHECK_FALSE(reader.lookup(name).has_value());
  CHECK(server.running());
}

}  // namespace imchat::test
