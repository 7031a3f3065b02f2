// The directory's requests as its clients use them, through the locator library class
// against the real `imchat server`: REGISTER, LOOKUP, LIST and UNREGISTER, collisions,
// refused names, and names freed when their registrant goes away.

#include "support/eventually.hpp"
#include "blackbox/directory/running_directory.hpp"
#include "blackbox/directory/still_serving.hpp"
#include "support/thrown_error.hpp"
#include "directory/locator.hpp"
#include "support/error_code_printing.hpp"
#include "wire/error.hpp"
#include "support/imchat_binary.hpp"

#include <doctest/doctest.h>

#include <csignal>

using namespace std::chrono_literals;
using imchat::directory::locator;
using imchat::test::eventually;
using imchat::test::exit_status;
using imchat::test::running_directory;
using imchat::test::thrown_error;
using imchat::wire::object_kind;
using imchat::wire::record;

namespace {

std::vector<std::string> names_of(const std::vector<record>& records) {
  std::vector<std::string> names;
  for (const auto& rec : records) names.push_back(rec.name);
  return names;
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

}  // namespace

TEST_SUITE("directory") {

TEST_CASE("a registered name is found by another client with its kind endpoints and owner") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  locator room(server.address());
  locator display(server.address());

  room.register_object(object_kind::exchange, "E_cheese", {"127.0.0.1:40001", "[::1]:40001"});
  room.register_object(object_kind::queue, "Q_cheese", {"127.0.0.1:40000"});

  const auto exchange = display.lookup("E_cheese");
  REQUIRE(exchange.has_value());
  CHECK(exchange->name == "E_cheese");
  CHECK(exchange->kind == object_kind::exchange);
  CHECK(exchange->endpoints == std::vector<std::string>{"127.0.0.1:40001", "[::1]:40001"});
  // The owner is the registrant's address as the directory saw it: the same connection
  // registered both names, another one looked them up.
  CHECK(exchange->owner.starts_with("127.0.0.1:"));
  const auto queue = display.lookup("Q_cheese");
  REQUIRE(queue.has_value());
  CHECK(queue->kind == object_kind::queue);
  CHECK(queue->endpoints == std::vector<std::string>{"127.0.0.1:40000"});
  CHECK(queue->owner == exchange->owner);

  CHECK_FALSE(display.lookup("Q_nobody").has_value());
  CHECK_FALSE(display.lookup("Q_chees").has_value());  // no prefix matching in lookups
  CHECK(server.wait_for_log("registered exchange 'E_cheese'"));
  CHECK(server.wait_for_log("registered queue 'Q_cheese'"));
}

TEST_CASE("a list holds the records whose names start with the prefix sorted by name") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  locator first(server.address());
  locator second(server.address());
  first.register_object(object_kind::queue, "Q_b", {"127.0.0.1:1"});
  second.register_object(object_kind::queue, "Q_a", {"127.0.0.1:2"});
  first.register_object(object_kind::exchange, "E_a", {"127.0.0.1:3"});
  second.register_object(object_kind::queue, "Qx", {"127.0.0.1:4"});

  locator reader(server.address());
  CHECK(names_of(reader.list("Q_")) == std::vector<std::string>{"Q_a", "Q_b"});
  CHECK(names_of(reader.list()) == std::vector<std::string>{"E_a", "Q_a", "Q_b", "Qx"});
  CHECK(names_of(reader.list("Q")) == std::vector<std::string>{"Q_a", "Q_b", "Qx"});
  CHECK(names_of(reader.list("Q_a")) == std::vector<std::string>{"Q_a"});
  CHECK(reader.list("Q_ab").empty());
  CHECK(reader.list("nothing").empty());

  // Whole records, as a lookup gives them.
  const auto listed = reader.list("E_");
  REQUIRE(listed.size() == 1);
  CHECK(listed.front() == reader.lookup("E_a"));
}

TEST_CASE("unregister frees a name at once and only its holder can free it") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  locator holder(server.address());
  locator other(server.address());
  holder.register_object(object_kind::queue, "Q_x", {"127.0.0.1:1"});

  const auto refused = thrown_error([&] { other.unregister_object("Q_x"); });
  CHECK(refused.code() == imchat::wire::error::not_found);
  CHECK(other.lookup("Q_x").has_value());

  holder.unregister_object("Q_x");
  CHECK_FALSE(other.lookup("Q_x").has_value());
  CHECK(other.list("Q_").empty());
  CHECK(server.wait_for_log("unregistered 'Q_x'"));
  CHECK(thrown_error([&] { holder.unregister_object("Q_x"); }).code() == imchat::wire::error::not_found);

  // Free for anyone now.
  other.register_object(object_kind::queue, "Q_x", {"127.0.0.1:2"});
  CHECK(holder.lookup("Q_x")->endpoints == std::vector<std::string>{"127.0.0.1:2"});
}

TEST_CASE("registering a name again from the same client replaces its record") {
  running_directory server;
  locator holder(server.address());
  holder.register_object(object_kind::queue, "Q_moved", {"127.0.0.1:1"});
  holder.register_object(object_kind::queue, "Q_moved", {"127.0.0.1:2", "127.0.0.1:3"});
  const auto found = holder.lookup("Q_moved");
  REQUIRE(found.has_value());
  CHECK(found->endpoints == std::vector<std::string>{"127.0.0.1:2", "127.0.0.1:3"});
  CHECK(holder.list().size() == 1);
}

TEST_CASE("a second registrant of a name gets name_in_use naming who holds it") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  std::optional<locator> holder(std::in_place, server.address());
  locator latecomer(server.address());
  holder->register_object(object_kind::queue, "Q_cheese", {"127.0.0.1:40000"});
  const auto held = latecomer.lookup("Q_cheese");
  REQUIRE(held.has_value());

  const auto refused = thrown_error([&] {
    latecomer.register_object(object_kind::queue, "Q_cheese", {"127.0.0.1:50000"});
  });
  INFO("message: " << refused.what());
  CHECK(refused.code() == imchat::wire::error::name_in_use);
  CHECK(contains(refused.what(), "'Q_cheese'"));
  CHECK(contains(refused.what(), held->owner));       // who holds it
  CHECK(contains(refused.what(), "127.0.0.1:40000"));  // and where it is
  CHECK(latecomer.lookup("Q_cheese") == held);        // the holder keeps it
  CHECK(server.wait_for_log("register 'Q_cheese' refused"));

  // Once the holder is gone (its connection closed), the name is free.
  holder.reset();
  CHECK(eventually([&] {
    try {
      latecomer.register_object(object_kind::queue, "Q_cheese", {"127.0.0.1:50000"});
      return true;
    } catch (const std::system_error&) {
      return false;
    }
  }));
  CHECK(latecomer.lookup("Q_cheese")->endpoints == std::vector<std::string>{"127.0.0.1:50000"});
}

TEST_CASE("invalid names and endpoints are refused and the client can go on") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  locator client(server.address());
  struct example {
    std::string name;
    std::vector<std::string> endpoints;
    std::string_view why;
  };
  const example examples[] = {
      {"", {"127.0.0.1:1"}, "empty"},
      {std::string(1025, 'q'), {"127.0.0.1:1"}, "1025 bytes"},
      {"Q_bell\x07", {"127.0.0.1:1"}, "control character U+0007"},
      {"Q_\x1b[2J", {"127.0.0.1:1"}, "control character U+001B"},
      {"Q_\xC0\xAF", {"127.0.0.1:1"}, "not valid UTF-8"},
      {"Q_no_endpoints", {}, "no endpoints"},
      {"Q_bad_endpoint", {"127.0.0.1:1\n"}, "endpoint 1"},
      {"Q_many_endpoints", std::vector<std::string>(17, "127.0.0.1:1"), "17 endpoints"},
  };
  for (const auto& e : examples) {
    CAPTURE(e.why);
    const auto refused = thrown_error([&] { client.register_object(object_kind::queue, e.name, e.endpoints); });
    INFO("message: " << refused.what());
    CHECK(refused.code() == imchat::wire::error::invalid_name);
    CHECK(contains(refused.what(), e.why));
  }
  CHECK(client.list().empty());
  // A name at the limits is fine, on the same connection.
  const std::string longest(1024, 'q');
  client.register_object(object_kind::queue, longest, std::vector<std::string>(16, std::string(255, 'e')));
  CHECK(client.lookup(longest).has_value());
  // The server logged the refusals without letting the control characters through.
  CHECK(server.wait_for_log("control character U+001B"));
  CHECK_FALSE(contains(server.log(), "\x1b"));
  CHECK_FALSE(contains(server.log(), "\x07"));
}

TEST_CASE("a registrant killed with SIGKILL frees its names at once") {
  running_directory server;
  INFO("directory log:\n" << server.log());
  imchat::test::child_process room({IMCHAT_BINARY, "room", "killed", "--directory", server.address()});
  INFO("room's stderr:\n" << room.stderr_text());
  locator watcher(server.address());
  const auto registered = [&] { return watcher.lookup("Q_killed") && watcher.lookup("E_killed"); };
  REQUIRE(eventually(registered));

  REQUIRE(room.send_signal(SIGKILL));
  CHECK(room.wait_exit() == exit_status::killed_by(SIGKILL));
  const auto killed_at = std::chrono::steady_clock::now();
  // The kernel closes a killed process's sockets, the directory sees the connection end
  // and frees everything it held: no heartbeat timeout to wait for.
  CHECK(eventually([&] { return !watcher.lookup("Q_killed") && !watcher.lookup("E_killed"); }, 2s));
  CHECK(std::chrono::steady_clock::now() - killed_at < 2s);
  CHECK(server.wait_for_log("freed 'Q_killed'"));
  CHECK(server.wait_for_log("freed 'E_killed'"));
  imchat::test::check_still_serving(server);
}

}  // TEST_SUITE
