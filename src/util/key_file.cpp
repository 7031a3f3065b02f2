#include "util/key_file.hpp"

#include "util/secure_random.hpp"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace imchat {

namespace {

// A file descriptor closed on every path out.
struct owned_fd {
  int fd = -1;
  ~owned_fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Messages are put together with fmt rather than std::string's +, about which GCC 12
// warns wrongly (-Warray-bounds) in some optimised builds.
[[noreturn]] void fail(const std::filesystem::path& path, std::string_view what, std::string_view fix = {},
                       std::string_view kind = "key file") {
  throw key_file_error(fix.empty() ? fmt::format("{} '{}': {}", kind, path.string(), what)
                                   : fmt::format("{} '{}': {}: {}", kind, path.string(), what, fix));
}

[[noreturn]] void fail_errno(const std::filesystem::path& path, std::string_view doing,
                             std::string_view kind = "key file") {
  fail(path, doing, std::strerror(errno), kind);
}

// Reads at most `capacity` bytes of a file only its owner may read (`kind` names it in
// refusals): a secret that others can read is no secret. Returns how many were read.
std::size_t read_private_file(const std::filesystem::path& path, std::string_view kind, char* buffer,
                              std::size_t capacity) {
  owned_fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
  if (file.fd < 0) fail_errno(path, "cannot open it", kind);
  struct stat status {};
  if (::fstat(file.fd, &status) != 0) fail_errno(path, "cannot examine it", kind);
  if (!S_ISREG(status.st_mode)) fail(path, "not a regular file", {}, kind);
  if ((status.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    fail(path, fmt::format("group or others may read or write it (mode {:04o})", status.st_mode & 07777),
         fmt::format("chmod 600 {}", path.string()), kind);
  std::size_t size = 0;
  while (size < capacity) {
    const auto got = ::read(file.fd, buffer + size, capacity - size);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail_errno(path, "cannot read it", kind);
    if (got == 0) break;
    size += static_cast<std::size_t>(got);
  }
  return size;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::size_t key_digits = 2 * key_bytes;
constexpr std::string_view make_one = "make one with 'imchat keygen FILE'";

}  // namespace

secret_key::~secret_key() { ::explicit_bzero(bytes_.data(), bytes_.size()); }

secret_key read_key_file(const std::filesystem::path& path) {
  // A key file is 65 bytes; a little more is read to tell a longer file apart.
  char text[key_digits + 8];
  const std::size_t size = read_private_file(path, "key file", text, sizeof text);
  std::size_t digits = 0;
  while (digits < size && hex_value(text[digits]) >= 0) ++digits;
  std::size_t end = digits;
  while (end < size && (text[end] == '\n' || text[end] == '\r')) ++end;
  const bool malformed = end != size;
  std::array<std::byte, key_bytes> bytes{};
  if (digits == key_digits && !malformed)
    for (std::size_t i = 0; i < key_bytes; ++i)
      bytes[i] = static_cast<std::byte>(hex_value(text[2 * i]) * 16 + hex_value(text[2 * i + 1]));
  ::explicit_bzero(text, sizeof text);

  if (digits == 0 && !malformed) fail(path, "empty", make_one);
  if (malformed) fail(path, "not a key (a key is 64 hexadecimal digits)", make_one);
  if (digits < key_digits) fail(path, fmt::format("too short: {} bits, a key has 256", digits * 4), make_one);
  if (digits > key_digits) fail(path, "too long", "a key is 64 hexadecimal digits");
  return secret_key(bytes);
}

std::string read_password_file(const std::filesystem::path& path) {
  constexpr std::string_view kind = "password file";
  char text[max_password_size + 2];
  const std::size_t size = read_private_file(path, kind, text, sizeof text);
  std::string_view content(text, size);
  if (const auto line_end = content.find_first_of("\r\n"); line_end != std::string_view::npos) {
    if (content.find_first_not_of("\r\n", line_end) != std::string_view::npos) {
      ::explicit_bzero(text, sizeof text);
      fail(path, "holds more than one line", "the password is the file's only line", kind);
    }
    content = content.substr(0, line_end);
  }
  std::string password(content);
  ::explicit_bzero(text, sizeof text);
  if (password.empty()) fail(path, "empty", {}, kind);
  if (password.size() > max_password_size)
    fail(path, fmt::format("longer than {} bytes", max_password_size), {}, kind);
  return password;
}

void write_new_key_file(const std::filesystem::path& path) {
  std::array<std::byte, key_bytes> bytes{};
  for (std::size_t at = 0; at < key_bytes; at += sizeof(std::uint64_t)) {
    const auto word = secure_random_u64();
    std::memcpy(bytes.data() + at, &word, sizeof word);
  }
  const secret_key key(bytes);
  ::explicit_bzero(bytes.data(), bytes.size());

  char text[key_digits + 1];
  constexpr char digit[] = "0123456789abcdef";
  for (std::size_t i = 0; i < key_bytes; ++i) {
    const auto byte = std::to_integer<unsigned>(key.bytes()[i]);
    text[2 * i] = digit[byte >> 4];
    text[2 * i + 1] = digit[byte & 15];
  }
  text[key_digits] = '\n';

  // O_EXCL: an existing file (or a link planted where the key goes) is never written through.
  owned_fd file{::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)};
  if (file.fd < 0 && errno == EEXIST) fail(path, "exists: not replaced", "remove it first to make a new key");
  if (file.fd < 0) fail_errno(path, "cannot create it");
  std::size_t written = 0;
  bool ok = true;
  while (ok && written < sizeof text) {
    const auto put = ::write(file.fd, text + written, sizeof text - written);
    if (put < 0 && errno == EINTR) continue;
    ok = put > 0;
    if (ok) written += static_cast<std::size_t>(put);
  }
  ::explicit_bzero(text, sizeof text);
  // A key half written, or not on disk when the machine loses power, would lock its
  // holders out later: flushed before success is reported, else removed.
  if (!ok || ::fsync(file.fd) != 0) {
    const auto saved = errno;
    ::unlink(path.c_str());
    errno = saved;
    fail_errno(path, "cannot write it");
  }
}

}  // namespace imchat
