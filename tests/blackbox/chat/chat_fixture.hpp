#pragma once
// The chat programs run as the tutorial's "Running it" runs them: a directory server
// (`imchat server`) on a free port of 127.0.0.1, then rooms, displays and prompts that
// find each other through it, each a child process of the test.
//
//   chat_fixture chat;
//   auto room = chat.start_room("cheese");
//   auto display = chat.start_display("cheese");
//   chat.sync_displays("cheese", {&display});  // bound: it sees what is said from now on
//   auto prompt = chat.start_prompt("cheese", "kofi");
//   prompt.write_stdin("hello\n");
//   CHECK(display.wait_for_stdout("kofi: hello"));
//
// Every program gets `--directory 127.0.0.1:PORT`, so nothing depends on a server the
// machine may be running on the default port.

#include "support/child_process.hpp"
#include "support/imchat_binary.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace imchat::test::chat {

// How long a test waits for the chat programs to do something that should take well
// under a second: generous, for sanitizer builds on a loaded machine. Waits that succeed
// return as soon as they can.
inline constexpr std::chrono::milliseconds chat_timeout{20'000};

class chat_fixture {
 public:
  enum class directory_mode {
    server,  // start `imchat server` on a free port
    none,    // only pick a free port: nothing serves the directory until a test does
  };

  explicit chat_fixture(directory_mode mode = directory_mode::server);
  // Programs find each other through the directory at `address` that the test runs (an
  // etcd cluster's "etcd://...", say); `extra` goes on every command line after it
  // (--etcd-ca and the like).
  explicit chat_fixture(std::string address, std::vector<std::string> extra = {});

  std::uint16_t directory_port() const { return port_; }
  // "127.0.0.1:PORT" (or the address given), for --directory and $IMCHAT_DIRECTORY.
  std::string directory() const;
  // The directory server, or null in directory_mode::none.
  child_process* server() { return server_ ? &*server_ : nullptr; }

  // {IMCHAT_BINARY, args..., "--directory", directory(), extra...}.
  std::vector<std::string> argv(std::vector<std::string> args) const;

  // `imchat room NAME extra...`, once it says it is open (REQUIREd).
  child_process start_room(const std::string& name, std::vector<std::string> extra = {}) const;
  // `imchat display ROOM extra...` and `imchat prompt ROOM USER extra...`, just started.
  child_process start_display(const std::string& room, std::vector<std::string> extra = {}) const;
  child_process start_prompt(const std::string& room, const std::string& user,
                             std::vector<std::string> extra = {}) const;

  // Returns once each of `displays` has printed a line said in `room` after this call
  // began, i.e. each is bound to the room and sees whatever is said from now on. A prompt
  // as user "probe" says "sync TAG N" lines until then (REQUIREd within chat_timeout);
  // transcripts leave the user "probe" out.
  void sync_displays(const std::string& room, const std::vector<child_process*>& displays) const;
  // The same for outputs read some other way (a display writing into a file): each
  // function waits briefly for `text` in its output and says whether it is there.
  using output_check = std::function<bool(std::string_view text)>;
  void sync_outputs(const std::string& room, const std::vector<output_check>& outputs) const;

 private:
  std::uint16_t port_ = 0;
  std::optional<child_process> server_;
  std::string address_;               // given, or none: 127.0.0.1:port_
  std::vector<std::string> extra_;    // after --directory on every command line
};

// Waits until `child` has written `needle` to stderr (stdout) `count` times in all.
bool wait_for_stderr_count(child_process& child, std::string_view needle, std::size_t count,
                           std::chrono::milliseconds timeout = chat_timeout);
bool wait_for_stdout_count(child_process& child, std::string_view needle, std::size_t count,
                           std::chrono::milliseconds timeout = chat_timeout);

// How often `needle` occurs in `text`.
std::size_t occurrences(std::string_view text, std::string_view needle);

// REQUIREs that `child` writes `needle` to stdout within chat_timeout, showing what it
// wrote if not. (REQUIRE, so that a failing test stops rather than wait again and again.)
void require_stdout(child_process& child, std::string_view needle);

// Checks that `child` exits with status 0 (CHECK), within `timeout` (REQUIRE), showing its
// stderr if not. Floods of many thousand lines need more than the default under sanitizers.
void check_exits_0(child_process& child, std::chrono::milliseconds timeout = chat_timeout);

// Whether `child` is still running (has not exited), without waiting.
bool still_running(child_process& child);

// `imchat COMMAND... --directory D` with its standard input or output redirected to a
// file (`redirection` is "<" or ">"): a flood would fill a pipe the test is not reading
// at that moment and stall the program.
child_process start_redirected(const chat_fixture& chat, const std::string& command, const char* redirection,
                               const std::filesystem::path& file);

// Single-quotes `word` for /bin/sh.
std::string shell_quote(const std::string& word);

}  // namespace imchat::test::chat
