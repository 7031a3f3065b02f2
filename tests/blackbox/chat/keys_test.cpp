// Keys (imchat(1) KEYS, docs/wire-protocol.md §7): real rooms, prompts, displays and
// directories with and without keys. The right key chats; no key, another key and a
// keyed side meeting a plaintext one are refused on every kind of connection with the
// sentences users read, and the refused program exits 1 instead of retrying. Each attack
// of issue 13 is repeated against a keyed setup: a plaintext publisher cannot inject, a
// plaintext subscriber gets no history, a stranger can neither list nor squat names in a
// keyed directory. A tap between the programs and the room sees none of a message's
// text, the user or the room's name, and a recorded handshake replayed to the room is
// refused.

#include "blackbox/chat/chat_fixture.hpp"
#include "blackbox/directory/running_directory.hpp"
#include "blackbox/directory/wire_client.hpp"
#include "support/fault_proxy.hpp"
#include "support/held_registration.hpp"
#include "support/raw_tcp_client.hpp"
#include "support/scratch_directory.hpp"
#include "support/tcp_ports.hpp"
#include "wire/body_writer.hpp"
#include "wire/error.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <thread>

using namespace std::chrono_literals;
using imchat::test::child_process;
using imchat::test::directory_wire_client;
using imchat::test::exit_status;
using imchat::test::fault_proxy;
using imchat::test::free_tcp_port;
using imchat::test::held_registration;
using imchat::test::raw_tcp_client;
using imchat::test::read_file;
using imchat::test::running_directory;
using imchat::test::scratch_directory;
using imchat::test::write_file;
using namespace imchat::test::chat;
namespace wire = imchat::wire;
namespace fs = std::filesystem;

namespace {

// A new key in `scratch`, made by `imchat keygen`.
fs::path make_key(const scratch_directory& scratch, const std::string& name) {
  const auto path = scratch.path() / name;
  child_process keygen({IMCHAT_BINARY, "keygen", path.string()});
  REQUIRE(keygen.wait_exit(chat_timeout) == exit_status::exited(0));
  return path;
}

// Runs `child` to its end and checks that it failed (status 1) saying `sentence`.
void check_refused(child_process& child, std::string_view sentence) {
  const auto status = child.wait_exit(chat_timeout);
  INFO("stderr:\n" << child.stderr_text());
  CHECK(status == exit_status::exited(1));
  CHECK(child.stderr_text().find(sentence) != std::string::npos);
}

std::string endpoint(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

// A keyed room on ports of its own, registered in the fixture's directory, which has no
// key (--directory-key-file none): the room's own key is what is under test.
struct keyed_room {
  scratch_directory scratch{"keys"};
  fs::path key = make_key(scratch, "cheese.key");
  fs::path other_key = make_key(scratch, "other.key");
  std::uint16_t in_port = free_tcp_port(), out_port = free_tcp_port();
  chat_fixture chat;
  child_process room = chat.start_room(
      "cheese", {endpoint(in_port), endpoint(out_port), "--key-file", key.string(), "--directory-key-file", "none"});

  std::vector<std::string> with_key(const fs::path& file) const {
    return {"--key-file", file.string(), "--directory-key-file", "none"};
  }
};

// Says `text` as `user` through a prompt with `key_args` and checks that the room
// acknowledged it.
void say(const keyed_room& site, const std::string& user, const std::string& text,
         const std::vector<std::string>& key_args) {
  auto prompt = site.chat.start_prompt("cheese", user, key_args);
  REQUIRE(prompt.write_stdin(text + "\n"));
  prompt.close_stdin();
  check_exits_0(prompt);
}

}  // namespace

TEST_SUITE("chat: keys") {

TEST_CASE("imchat keygen writes a private random key once and a key file others may read is refused") {
  scratch_directory scratch("keygen");
  const auto first = make_key(scratch, "a.key");
  const auto second = make_key(scratch, "b.key");
  struct stat info{};
  REQUIRE(::stat(first.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  const auto text = read_file(first);
  CHECK(text.size() == 65);
  CHECK(text.find_first_not_of("0123456789abcdef\n") == std::string::npos);
  CHECK(text != read_file(second));

  child_process again({IMCHAT_BINARY, "keygen", first.string()});
  check_refused(again, "exists");
  CHECK(read_file(first) == text);  // not replaced

  // Before any connection: the file itself is wrong, and the message says how to mend it.
  fs::permissions(first, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                             fs::perms::others_read);
  child_process loose({IMCHAT_BINARY, "prompt", "cheese", "kofi", "--key-file", first.string(), "--directory",
                       endpoint(free_tcp_port())});
  check_refused(loose, "chmod 600");
  CHECK(loose.stderr_text().find(text.substr(0, 16)) == std::string::npos);  // never a byte of the key
  write_file(scratch.path() / "empty.key", "");
  fs::permissions(scratch.path() / "empty.key", fs::perms::owner_read | fs::perms::owner_write);
  child_process empty({IMCHAT_BINARY, "display", "cheese", "--key-file", (scratch.path() / "empty.key").string()});
  check_refused(empty, "empty");
}

TEST_CASE("with the room's key prompts and displays chat and without it or with another they are refused") {
  keyed_room site;
  say(site, "kofi", "hello with the key", site.with_key(site.key));
  // With history: what was said before it bound shows too, so nothing here races.
  auto with_history = site.with_key(site.key);
  with_history.insert(with_history.end(), {"--history", "100"});
  auto display = site.chat.start_display("cheese", with_history);
  require_stdout(display, "kofi: hello with the key");

  auto no_key = site.chat.start_prompt("cheese", "mallory", {"--directory-key-file", "none"});
  REQUIRE(no_key.write_stdin("injected without a key\n"));
  check_refused(no_key, "the room 'cheese' needs a key: --key-file");
  auto wrong_key = site.chat.start_prompt("cheese", "mallory", site.with_key(site.other_key));
  REQUIRE(wrong_key.write_stdin("injected with another key\n"));
  check_refused(wrong_key, "the key does not match the room's");
  auto no_key_display = site.chat.start_display("cheese", {"--directory-key-file", "none", "--history", "5"});
  check_refused(no_key_display, "the room 'cheese' needs a key: --key-file");
  auto wrong_key_display = site.chat.start_display("cheese", site.with_key(site.other_key));
  check_refused(wrong_key_display, "the key does not match the room's");
  CHECK(no_key_display.stdout_text().empty());
  CHECK(wrong_key_display.stdout_text().empty());

  // The room is unharmed and showed nothing of theirs.
  say(site, "kofi", "still here", site.with_key(site.key));
  require_stdout(display, "kofi: still here");
  CHECK(display.stdout_text().find("injected") == std::string::npos);
  CHECK(still_running(site.room));
}

TEST_CASE("a prompt with a key refuses a room without one instead of talking in plaintext") {
  chat_fixture chat;
  auto room = chat.start_room("open");
  scratch_directory scratch("keys");
  const auto key = make_key(scratch, "k");
  auto prompt = chat.start_prompt("open", "kofi", {"--key-file", key.string(), "--directory-key-file", "none"});
  REQUIRE(prompt.write_stdin("not in plaintext\n"));
  check_refused(prompt, "the room 'open' has no key");
  CHECK(room.wait_for_stderr("it has a key, and this side has none", chat_timeout));
}

TEST_CASE("a keyed directory serves only its holders: no listing or look-up or squatting") {
  scratch_directory scratch("keys");
  const auto key = make_key(scratch, "directory.key");
  const auto other = make_key(scratch, "other.key");
  running_directory directory({.extra_args = {"--key-file", key.string()}});
  child_process room({IMCHAT_BINARY, "room", "lobby", "--directory", directory.address(), "--key-file", key.string()});
  REQUIRE(room.wait_for_stderr("room 'lobby' is open", chat_timeout));

  child_process listing({IMCHAT_BINARY, "server", "--list", "--directory", directory.address(), "--key-file",
                         key.string()});
  REQUIRE(listing.wait_exit(chat_timeout) == exit_status::exited(0));
  CHECK(listing.stdout_text().find("Q_lobby") != std::string::npos);

  child_process stranger({IMCHAT_BINARY, "server", "--list", "--directory", directory.address()});
  check_refused(stranger, "needs a key: --key-file");
  CHECK(stranger.stdout_text().find("lobby") == std::string::npos);
  child_process other_listing({IMCHAT_BINARY, "server", "--list", "--directory", directory.address(), "--key-file",
                               other.string()});
  check_refused(other_listing, "the key does not match the directory's");

  // A squatter speaking the protocol in plaintext gets the greeting and key_required,
  // and nothing it sends is taken.
  directory_wire_client squatter(directory.port());
  REQUIRE(squatter.greet());
  squatter.send_request(wire::register_request{1, wire::object_kind::queue, "Q_fake", {"127.0.0.1:1"}});
  const auto refusal = squatter.receive_error(chat_timeout);
  REQUIRE(refusal.has_value());
  CHECK(refusal->code == static_cast<std::uint16_t>(wire::error::key_required));
  CHECK(squatter.socket().wait_closed(chat_timeout));

  // A room with another key cannot register, and says why.
  child_process impostor({IMCHAT_BINARY, "room", "lobby2", "--directory", directory.address(), "--key-file",
                          other.string()});
  check_refused(impostor, "the key does not match the directory's");
  child_process listed_again({IMCHAT_BINARY, "server", "--list", "--directory", directory.address(), "--key-file",
                              key.string()});
  REQUIRE(listed_again.wait_exit(chat_timeout) == exit_status::exited(0));
  CHECK(listed_again.stdout_text().find("Q_fake") == std::string::npos);
  CHECK(listed_again.stdout_text().find("lobby2") == std::string::npos);

  // A prompt with the key finds the room; one without is told the directory needs one.
  child_process prompt({IMCHAT_BINARY, "prompt", "lobby", "kofi", "--directory", directory.address(), "--key-file",
                        key.string()});
  REQUIRE(prompt.write_stdin("hi\n"));
  prompt.close_stdin();
  check_exits_0(prompt);
  child_process lost({IMCHAT_BINARY, "display", "lobby", "--directory", directory.address()});
  check_refused(lost, "the directory at " + directory.address() + " needs a key");
}

TEST_CASE("plaintext peers can neither inject into a keyed room nor read its history") {
  keyed_room site;
  say(site, "kofi", "the history nobody else may read", site.with_key(site.key));
  // With history, so that a display slow to bind still shows every line said.
  auto display_args = site.with_key(site.key);
  display_args.insert(display_args.end(), {"--history", "100"});
  auto display = site.chat.start_display("cheese", display_args);

  // A publisher in plaintext, as the injection attack had it: greeting, ERROR, closed.
  directory_wire_client injector(site.in_port);
  REQUIRE(injector.greet(wire::role::kernel_peer, wire::role::kernel_object));
  injector.send_request(
      wire::attach_request{wire::attach_direction::publish, "Q_cheese", 0x1234, 0, 0, wire::stream_secret{1, 2}});
  wire::bytes frame;
  wire::append_frame(frame, wire::frame_type::message, wire::as_bytes(std::string("alice: definitely alice")));
  injector.send(wire::as_text(frame));
  const auto refused = injector.receive_error(chat_timeout);
  REQUIRE(refused.has_value());
  CHECK(refused->code == static_cast<std::uint16_t>(wire::error::key_required));

  // A subscriber in plaintext asking for the whole history gets none of it.
  directory_wire_client reader(site.out_port);
  REQUIRE(reader.greet(wire::role::kernel_peer, wire::role::kernel_object));
  reader.send_request(wire::attach_request{wire::attach_direction::subscribe, "E_cheese", 0, 0, 10'000, {}});
  const auto reader_refused = reader.receive_error(chat_timeout);
  REQUIRE(reader_refused.has_value());
  CHECK(reader_refused->code == static_cast<std::uint16_t>(wire::error::key_required));
  CHECK(reader.socket().wait_closed(chat_timeout));

  // Raw TLS noise from a stranger is refused too, and nothing of it is shown.
  raw_tcp_client noise(site.in_port);
  noise.send_bytes(std::string("\x16\x03\x01\x00\x05hello", 10));
  CHECK(noise.wait_closed(chat_timeout));

  say(site, "kofi", "after the attacks", site.with_key(site.key));
  require_stdout(display, "kofi: after the attacks");
  CHECK(display.stdout_text().find("definitely alice") == std::string::npos);
  CHECK(still_running(site.room));
}

TEST_CASE("a tap on the wire sees no text or user or room name and a replayed handshake is refused") {
  keyed_room site;
  fault_proxy to_queue(site.in_port), to_exchange(site.out_port);
  running_directory proxied;
  held_registration queue_name(proxied.port(), wire::object_kind::queue, "Q_cheese", {endpoint(to_queue.port())});
  held_registration exchange_name(proxied.port(), wire::object_kind::exchange, "E_cheese",
                                  {endpoint(to_exchange.port())});
  const auto through_tap = [&](std::vector<std::string> args) {
    args.insert(args.begin(), IMCHAT_BINARY);
    args.insert(args.end(), {"--key-file", site.key.string(), "--directory-key-file", "none", "--directory",
                             proxied.address()});
    return args;
  };
  child_process display(through_tap({"display", "cheese"}));
  child_process prompt(through_tap({"prompt", "cheese", "kofi"}));
  // Until the display is bound, lines may go by before it: say one until it shows.
  std::string said;
  for (int i = 0; i < 100 && !display.wait_for_stdout("pancakes", 200ms); ++i) {
    said = "the secret plan is pancakes " + std::to_string(i);
    REQUIRE(prompt.write_stdin(said + "\n"));
  }
  require_stdout(display, "kofi: " + said);
  prompt.close_stdin();
  check_exits_0(prompt);

  const auto queue_side = to_queue.recordings();
  const auto exchange_side = to_exchange.recordings();
  REQUIRE_FALSE(queue_side.empty());
  REQUIRE_FALSE(exchange_side.empty());
  for (const auto* side : {&queue_side, &exchange_side})
    for (const auto& connection : *side) {
      for (const auto* bytes : {&connection.from_client, &connection.from_target}) {
        INFO("a tap saw " << bytes->size() << " bytes");
        CHECK(bytes->find("pancakes") == std::string::npos);
        CHECK(bytes->find("kofi") == std::string::npos);
        CHECK(bytes->find("cheese") == std::string::npos);
        CHECK(bytes->find("IMCHAT") == std::string::npos);  // even the greetings are inside TLS
      }
      // TLS from the first byte: a handshake record.
      CHECK(connection.from_client.substr(0, 2) == std::string("\x16\x03", 2));
    }

  // The prompt's first connection, replayed byte for byte to the room, gets nowhere.
  const auto& recorded = queue_side.front().from_client;
  raw_tcp_client replay(site.in_port);
  replay.send_bytes(recorded);
  CHECK(replay.wait_closed(chat_timeout));
  CHECK(replay.receive_some(100ms).find("IMCHAT") == std::string::npos);
  CHECK(site.room.wait_for_stderr("TLS handshake failed", chat_timeout));
  std::this_thread::sleep_for(500ms);
  CHECK(occurrences(display.stdout_text(), said) == 1);
}

TEST_CASE("imchat bench measures a keyed room of its own and a room's config file can hold its key") {
  scratch_directory scratch("keys");
  const auto key = make_key(scratch, "bench.key");
  child_process bench({IMCHAT_BINARY, "bench", "--key-file", key.string(), "--count", "2000", "--displays", "3",
                       "--json"});
  const auto status = bench.wait_exit(60s);
  INFO("bench stdout:\n" << bench.stdout_text() << "\nstderr:\n" << bench.stderr_text());
  CHECK(status == exit_status::exited(0));
  CHECK(bench.stdout_text().find("\"delivered\": 6000") != std::string::npos);
  CHECK(bench.stdout_text().find("\"clean\": true") != std::string::npos);

  chat_fixture chat;
  write_file(scratch.path() / "room.conf",
             "key-file = " + key.string() + "\ndirectory-key-file = none\n");
  auto room = chat.start_room("configured", {"--config", (scratch.path() / "room.conf").string()});
  auto keyed = chat.start_prompt("configured", "kofi", {"--key-file", key.string(), "--directory-key-file", "none"});
  REQUIRE(keyed.write_stdin("from the config\n"));
  keyed.close_stdin();
  check_exits_0(keyed);
  auto stranger = chat.start_prompt("configured", "mallory");
  REQUIRE(stranger.write_stdin("let me in\n"));
  check_refused(stranger, "the room 'configured' needs a key: --key-file");
}

}  // TEST_SUITE
