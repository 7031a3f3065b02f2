#pragma once
// --key-file and --directory-key-file (docs/security.md): which key a program holds for
// the room (or, for `server`, for the directory) and which for the directory, read from
// files, never from the command line, so that no key shows in `ps` or a shell's history.
// And the sentence a chat program ends with when the keys do not allow a connection.

#include "cmd/cli.hpp"
#include "util/key_file.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace imchat::directory {
class locator;
}

namespace imchat::cmd {

// --key-file FILE: `whose` key it is ("the room's"). With `directory_key`, also
// --directory-key-file FILE (default: --key-file's; "none" for a directory without one).
void add_key_options(cli_spec& spec, std::string_view whose, bool directory_key);

struct key_set {
  std::optional<secret_key> own;        // --key-file
  std::optional<secret_key> directory;  // --directory-key-file, else --key-file
};

// Reads the files the options name; without --key-file (or --directory-key-file), the
// systemd credential "key" (or "directory-key") when the service has one. Throws
// key_file_error (the message names the file).
key_set keys_from(const po::variables_map& vm);

// A file systemd handed to the service: LoadCredential=ID:PATH puts it in
// $CREDENTIALS_DIRECTORY/ID. Used where no option names a file; nullopt when there is none.
std::optional<std::string> credential(std::string_view id);

// What to tell the user when the keys do not allow a connection (net::is_key_error):
// `subject` is what refused, "the room 'cheese'" or "the directory at host:5682",
// `possessive` the same as an owner ("the room's"), `option` the option that sets the
// key this side used for it.
std::string key_failure_text(std::error_code ec, std::string_view subject, std::string_view possessive,
                             std::string_view option, std::string_view detail = {});

// For a chat program whose directory or room refused it for its keys: throws a
// std::runtime_error with key_failure_text() for the one that refused (the directory if
// `locator` gave up, else the room). Rethrows anything else.
[[noreturn]] void rethrow_with_key_advice(const std::system_error& e, const directory::locator& locator,
                                          std::string_view room);

}  // namespace imchat::cmd
