#pragma once
// Keys: 256 random bits that a room (or a directory) and those allowed in share, kept in a
// file of their own as 64 hexadecimal digits and a newline (`imchat keygen FILE` makes
// one). Read with the checks an operator needs: a key that others can read is no secret,
// so such a file is refused, as are empty, short and malformed ones, each with the fix.
// The key's bytes never reach a message, a log or a command line.

#include <array>
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace imchat {

inline constexpr std::size_t key_bytes = 32;

class secret_key {
 public:
  explicit secret_key(const std::array<std::byte, key_bytes>& bytes) noexcept : bytes_(bytes) {}
  secret_key(const secret_key&) = default;
  secret_key& operator=(const secret_key&) = default;
  ~secret_key();  // wipes the bytes

  const std::array<std::byte, key_bytes>& bytes() const noexcept { return bytes_; }

 private:
  std::array<std::byte, key_bytes> bytes_;
};

// Why a key file was refused: the message names the file and says what to do.
class key_file_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads the key in `path`. Throws key_file_error if the file cannot be read, is not a
// regular file, can be read by group or others, or does not hold exactly one key.
secret_key read_key_file(const std::filesystem::path& path);

// A password in a file of its own (etcd's, --etcd-password-file), read with the same
// checks as a key file (its owner's alone); the password is its one line, without the
// newline. Throws key_file_error ("password file '...': ...").
inline constexpr std::size_t max_password_size = 1024;
std::string read_password_file(const std::filesystem::path& path);

// Writes a new random key to `path`, created with mode 0600; never replaces a file.
// Throws key_file_error if `path` exists or cannot be written.
void write_new_key_file(const std::filesystem::path& path);

}  // namespace imchat
