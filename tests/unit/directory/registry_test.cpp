#include "directory/registry.hpp"

#include "support/error_code_printing.hpp"
#include "wire/error.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using imchat::directory::owner_id;
using imchat::directory::registry;
using imchat::directory::registry_limits;
using imchat::wire::error;
using imchat::wire::object_kind;
using imchat::wire::record;

namespace {

constexpr owner_id alice = 1;
constexpr owner_id bob = 2;

record make_record(std::string name, std::vector<std::string> endpoints = {"127.0.0.1:5555"},
                   std::string owner = "127.0.0.1:41234") {
  record rec;
  rec.kind = object_kind::queue;
  rec.name = std::move(name);
  rec.endpoints = std::move(endpoints);
  rec.owner = std::move(owner);
  return rec;
}

// Adds and insists that it worked, for tests whose subject is what comes next.
void add_ok(registry& names, owner_id owner, record rec) {
  std::string detail;
  const auto name = rec.name;
  CAPTURE(name);
  REQUIRE(names.add(owner, std::move(rec), detail) == std::error_code{});
  REQUIRE(detail.empty());
}

std::vector<std::string> names_of(const std::vector<record>& records) {
  std::vector<std::string> names;
  for (const auto& rec : records) names.push_back(rec.name);
  return names;
}

}  // namespace

TEST_CASE("registry: a registered name can be found with its record") {
  registry names;
  record rec = make_record("Q_cheese", {"127.0.0.1:5555", "[::1]:5555"});
  rec.kind = object_kind::exchange;
  add_ok(names, alice, rec);

  CHECK(names.size() == 1);
  const auto found = names.find("Q_cheese");
  REQUIRE(found.has_value());
  CHECK(*found == rec);
  CHECK_FALSE(names.find("Q_cheddar").has_value());
  CHECK_FALSE(names.find("Q_chees").has_value());
}

TEST_CASE("registry: invalid names are refused with invalid_name and an explanation") {
  registry names;
  std::string detail;

  CHECK(names.add(alice, make_record(""), detail) == error::invalid_name);
  CHECK(detail == "name is empty");

  CHECK(names.add(alice, make_record(std::string(1025, 'n')), detail) == error::invalid_name);
  CHECK(detail == "name is 1025 bytes, over the 1024-byte limit");

  CHECK(names.add(alice, make_record("bad\xC0\xAFname"), detail) == error::invalid_name);
  CHECK(detail == "name is not valid UTF-8 (at byte 3)");

  CHECK(names.add(alice, make_record("surrogate\xED\xA0\x80"), detail) == error::invalid_name);
  CHECK(detail == "name is not valid UTF-8 (at byte 9)");

  CHECK(names.add(alice, make_record("bell\a"), detail) == error::invalid_name);
  CHECK(detail == "name contains control character U+0007 at byte 4");

  CHECK(names.add(alice, make_record("del\x7f"), detail) == error::invalid_name);
  CHECK(detail == "name contains control character U+007F at byte 3");

  CHECK(names.add(alice, make_record("c1\xC2\x9B"), detail) == error::invalid_name);
  CHECK(detail == "name contains control character U+009B at byte 2");

  CHECK(names.size() == 0);
}

TEST_CASE("registry: the name size limit is inclusive") {
  registry names(registry_limits{.max_name_size = 8});
  std::string detail;
  add_ok(names, alice, make_record("12345678"));
  CHECK(names.add(alice, make_record("123456789"), detail) == error::invalid_name);
  CHECK(detail == "name is 9 bytes, over the 8-byte limit");
}

TEST_CASE("registry: invalid endpoints are refused with invalid_name and an explanation") {
  registry names(registry_limits{.max_endpoints = 3, .max_endpoint_size = 12});
  std::string detail;

  CHECK(names.add(alice, make_record("Q", {}), detail) == error::invalid_name);
  CHECK(detail == "name 'Q' has no endpoints");

  CHECK(names.add(alice, make_record("Q", {"a:1", "b:1", "c:1", "d:1"}), detail) ==
        error::invalid_name);
  CHECK(detail == "name 'Q' has 4 endpoints, over the limit of 3");

  CHECK(names.add(alice, make_record("Q", {"a:1", ""}), detail) == error::invalid_name);
  CHECK(detail == "endpoint 2 of name 'Q' is empty");

  CHECK(names.add(alice, make_record("Q", {"1.2.3.4:56789"}), detail) == error::invalid_name);
  CHECK(detail == "endpoint 1 of name 'Q' is 13 bytes, over the 12-byte limit");

  CHECK(names.add(alice, make_record("Q", {"a:1\n"}), detail) == error::invalid_name);
  CHECK(detail == "endpoint 1 of name 'Q' contains control character U+000A at byte 3");

  CHECK(names.size() == 0);

  // Exactly at the limits is fine.
  add_ok(names, alice, make_record("Q", {"1.2.3.4:5678", "b:1", "c:1"}));
}

TEST_CASE("registry: default limits follow the protocol document") {
  const registry_limits defaults;
  CHECK(defaults.max_names == 65536);
  CHECK(defaults.max_names_per_owner == 1024);
  CHECK(defaults.max_name_size == 1024);
  CHECK(defaults.max_endpoints == 16);
  CHECK(defaults.max_endpoint_size == 255);

  registry names;
  std::string detail;
  add_ok(names, alice, make_record("sixteen", std::vector<std::string>(16, "h:1")));
  CHECK(names.add(alice, make_record("seventeen", std::vector<std::string>(17, "h:1")), detail) ==
        error::invalid_name);
  add_ok(names, alice, make_record("long", {std::string(255, 'h')}));
  CHECK(names.add(alice, make_record("longer", {std::string(256, 'h')}), detail) ==
        error::invalid_name);
}

TEST_CASE("registry: a name held by another owner is name_in_use - naming the holder") {
  registry names;
  add_ok(names, alice, make_record("Q_cheese", {"127.0.0.1:5555"}, "127.0.0.1:41234"));

  std::string detail;
  CHECK(names.add(bob, make_record("Q_cheese", {"10.0.0.7:6000"}, "10.0.0.7:50000"), detail) ==
        error::name_in_use);
  CHECK(detail == "name 'Q_cheese' is held by 127.0.0.1:41234 (endpoints 127.0.0.1:5555)");

  // The holder's record is untouched.
  REQUIRE(names.find("Q_cheese").has_value());
  CHECK(names.find("Q_cheese")->owner == "127.0.0.1:41234");
  CHECK(names.find("Q_cheese")->endpoints == std::vector<std::string>{"127.0.0.1:5555"});
}

TEST_CASE("registry: the holder description lists every endpoint") {
  registry names;
  add_ok(names, alice, make_record("X", {"192.0.2.2:5555", "[fd00::2]:5555"}, "192.0.2.9:40000"));
  std::string detail;
  CHECK(names.add(bob, make_record("X"), detail) == error::name_in_use);
  CHECK(detail == "name 'X' is held by 192.0.2.9:40000 (endpoints 192.0.2.2:5555, [fd00::2]:5555)");
}

TEST_CASE("registry: re-registering by the same owner replaces the record") {
  registry names;
  add_ok(names, alice, make_record("Q_cheese", {"127.0.0.1:5555"}));
  record replacement = make_record("Q_cheese", {"127.0.0.1:6666", "[::1]:6666"});
  replacement.kind = object_kind::exchange;
  add_ok(names, alice, replacement);

  CHECK(names.size() == 1);
  REQUIRE(names.find("Q_cheese").has_value());
  CHECK(*names.find("Q_cheese") == replacement);

  // Still one name for alice: removing it once leaves her nothing.
  CHECK(names.remove(alice, "Q_cheese") == std::error_code{});
  CHECK(names.release(alice).empty());
}

TEST_CASE("registry: remove frees only a name the owner holds") {
  registry names;
  add_ok(names, alice, make_record("mine"));

  CHECK(names.remove(bob, "mine") == error::not_found);
  CHECK(names.find("mine").has_value());
  CHECK(names.remove(alice, "nothing") == error::not_found);

  CHECK(names.remove(alice, "mine") == std::error_code{});
  CHECK_FALSE(names.find("mine").has_value());
  CHECK(names.size() == 0);
  CHECK(names.remove(alice, "mine") == error::not_found);

  // Once freed, another owner may take it.
  add_ok(names, bob, make_record("mine"));
}

TEST_CASE("registry: release frees all of an owner's names and only those") {
  registry names;
  add_ok(names, alice, make_record("a1"));
  add_ok(names, alice, make_record("a2"));
  add_ok(names, bob, make_record("b1"));
  add_ok(names, alice, make_record("a3"));
  CHECK(names.remove(alice, "a2") == std::error_code{});

  auto freed = names.release(alice);
  std::sort(freed.begin(), freed.end());
  CHECK(freed == std::vector<std::string>{"a1", "a3"});
  CHECK(names.size() == 1);
  CHECK_FALSE(names.find("a1").has_value());
  CHECK(names.find("b1").has_value());

  CHECK(names.release(alice).empty());
  CHECK(names.release(42).empty());
}

TEST_CASE("registry: a released name can be taken by another owner") {
  registry names;
  add_ok(names, alice, make_record("Q_cheese", {"127.0.0.1:5555"}, "alice"));
  std::string detail;
  REQUIRE(names.add(bob, make_record("Q_cheese", {"127.0.0.1:6000"}, "bob"), detail) ==
          error::name_in_use);

  names.release(alice);
  add_ok(names, bob, make_record("Q_cheese", {"127.0.0.1:6000"}, "bob"));
  REQUIRE(names.find("Q_cheese").has_value());
  CHECK(names.find("Q_cheese")->owner == "bob");

  // And alice, now the outsider, is refused and told bob holds it.
  CHECK(names.add(alice, make_record("Q_cheese"), detail) == error::name_in_use);
  CHECK(detail == "name 'Q_cheese' is held by bob (endpoints 127.0.0.1:6000)");
}

TEST_CASE("registry: the per-owner limit is reached exactly at its value") {
  registry names(registry_limits{.max_names_per_owner = 3});
  add_ok(names, alice, make_record("a1"));
  add_ok(names, alice, make_record("a2"));
  add_ok(names, alice, make_record("a3"));

  std::string detail;
  CHECK(names.add(alice, make_record("a4"), detail) == error::limit_exceeded);
  CHECK(detail == "this connection already holds 3 names, the most one connection may hold");
  CHECK_FALSE(names.find("a4").has_value());

  // Replacing a held name is not a new name.
  add_ok(names, alice, make_record("a2", {"127.0.0.1:7000"}));
  // Other owners have their own allowance.
  add_ok(names, bob, make_record("b1"));
  // Freeing one makes room for one.
  CHECK(names.remove(alice, "a1") == std::error_code{});
  add_ok(names, alice, make_record("a4"));
  CHECK(names.add(alice, make_record("a5"), detail) == error::limit_exceeded);
}

TEST_CASE("registry: the global limit is reached exactly at its value") {
  registry names(registry_limits{.max_names = 3});
  add_ok(names, alice, make_record("a1"));
  add_ok(names, alice, make_record("a2"));
  add_ok(names, bob, make_record("b1"));

  std::string detail;
  CHECK(names.add(bob, make_record("b2"), detail) == error::limit_exceeded);
  CHECK(detail == "the directory is full: it holds 3 names, the most it may hold");
  CHECK(names.size() == 3);

  // A full directory still lets an owner update what it holds.
  add_ok(names, bob, make_record("b1", {"127.0.0.1:7000"}));

  // Releasing an owner makes room for others.
  names.release(alice);
  add_ok(names, bob, make_record("b2"));
  add_ok(names, bob, make_record("b3"));
  CHECK(names.add(bob, make_record("b4"), detail) == error::limit_exceeded);
}

TEST_CASE("registry: a name held by another owner is name_in_use even when limits are reached") {
  registry names(registry_limits{.max_names = 1});
  add_ok(names, alice, make_record("only"));
  std::string detail;
  CHECK(names.add(bob, make_record("only"), detail) == error::name_in_use);
}

TEST_CASE("registry: a successful add clears an earlier detail") {
  registry names;
  std::string detail = "left over";
  CHECK(names.add(alice, make_record("fresh"), detail) == std::error_code{});
  CHECK(detail.empty());
}

TEST_CASE("registry: list returns the names with a prefix - sorted") {
  registry names;
  for (const char* name : {"Q_cheese", "E_news", "Q_bread", "Q", "Qx", "E_alerts", "R"})
    add_ok(names, alice, make_record(name));
  add_ok(names, bob, make_record("Q_apples"));

  CHECK(names_of(names.list()) ==
        std::vector<std::string>{"E_alerts", "E_news", "Q", "Q_apples", "Q_bread", "Q_cheese",
                                 "Qx", "R"});
  CHECK(names_of(names.list("Q_")) ==
        std::vector<std::string>{"Q_apples", "Q_bread", "Q_cheese"});
  CHECK(names_of(names.list("Q")) ==
        std::vector<std::string>{"Q", "Q_apples", "Q_bread", "Q_cheese", "Qx"});
  CHECK(names_of(names.list("Q_cheese")) == std::vector<std::string>{"Q_cheese"});
  CHECK(names.list("Q_cheese_more").empty());
  CHECK(names.list("Z").empty());

  const auto listed = names.list("E_news");
  REQUIRE(listed.size() == 1);
  CHECK(listed.front() == make_record("E_news"));
}

TEST_CASE("registry: list orders names by bytes - so non-ASCII names sort after ASCII") {
  registry names;
  for (const char* name : {"\xC3\xA9t\xC3\xA9", "zoo", "abc"})
    add_ok(names, alice, make_record(name));
  CHECK(names_of(names.list()) == std::vector<std::string>{"abc", "zoo", "\xC3\xA9t\xC3\xA9"});
}
