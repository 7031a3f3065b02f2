#pragma once
// Which directory a program uses and how it reaches it: --directory (imchat's own server,
// HOST[:PORT], or an etcd cluster, etcd://HOST:PORT,...; else $IMCHAT_DIRECTORY, else
// localhost:5682), and for etcd the prefix its names live under, TLS (--etcd-ca,
// --etcd-cert, --etcd-key) and etcd's own user (--etcd-user, with the password in
// --etcd-password-file, never on a command line). Under systemd, the credentials etcd-ca,
// etcd-cert, etcd-key and etcd-password stand for the files where no option names one.
// docs/etcd.md says what each means.

#include "cmd/cli.hpp"
#include "cmd/key_options.hpp"
#include "directory/locator.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace imchat::cmd {

// --directory only (programs that only find a room: bench).
void add_directory_option(cli_spec& spec);
// --directory and the etcd options.
void add_directory_options(cli_spec& spec);

// --directory, else $IMCHAT_DIRECTORY, else localhost:5682.
std::string directory_address(const po::variables_map& vm);

// What is wrong with the options together, for a usage error: a malformed address, etcd
// options without an etcd directory, a certificate without its key, a user without a
// password file, a directory key for etcd.
std::optional<std::string> directory_options_problem(const po::variables_map& vm);

// The locator's options: the peer timeout, the directory's key (imchat's own directory)
// or the etcd settings, the password read from its file (throws key_file_error).
directory::locator_options locator_options_from(const po::variables_map& vm, std::chrono::milliseconds peer_timeout,
                                                const key_set& keys);

}  // namespace imchat::cmd
