// Key files as an operator makes and mistreats them: real files in a scratch directory.

#include "util/key_file.hpp"

#include "support/scratch_directory.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>
#include <set>
#include <string>

namespace {

using imchat::key_file_error;
using imchat::read_key_file;
using imchat::write_new_key_file;
using imchat::test::scratch_directory;

constexpr auto a_key = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";

std::filesystem::path key_file(const scratch_directory& scratch, const std::string& text, mode_t mode = 0600) {
  const auto path = scratch.path() / "key";
  std::filesystem::remove(path);
  imchat::test::write_file(path, text);
  REQUIRE(::chmod(path.c_str(), mode) == 0);
  return path;
}

// The message of the key_file_error that reading `path` throws, or "" if none is thrown.
std::string refusal(const std::filesystem::path& path) {
  try {
    read_key_file(path);
  } catch (const key_file_error& e) {
    return e.what();
  }
  return "";
}

// a_key followed by `tail` (appended rather than with +, which GCC 12 warns about wrongly).
std::string key_then(std::string_view tail) {
  std::string text(a_key);
  text.append(tail);
  return text;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_SUITE("util") {

TEST_CASE("key file: 64 hexadecimal digits are read as 32 bytes - with or without a newline") {
  scratch_directory scratch("key-file");
  for (const std::string ending : {"", "\n", "\r\n"}) {
    const auto key = read_key_file(key_file(scratch, key_then(ending)));
    CHECK(std::to_integer<int>(key.bytes()[0]) == 0x00);
    CHECK(std::to_integer<int>(key.bytes()[1]) == 0x11);
    CHECK(std::to_integer<int>(key.bytes()[15]) == 0xff);
    CHECK(std::to_integer<int>(key.bytes()[31]) == 0xff);
  }
}

TEST_CASE("key file: one that group or others may read is refused - saying how to fix it") {
  scratch_directory scratch("key-file");
  for (const mode_t mode : {0640, 0604, 0660, 0602}) {
    const auto path = key_file(scratch, a_key, mode);
    CAPTURE(mode);
    CHECK(refusal(path).find("group or others may read or write it (mode 0") != std::string::npos);
    CHECK(refusal(path).find("chmod 600 " + path.string()) != std::string::npos);
  }
  CHECK(refusal(key_file(scratch, a_key, 0400)).empty());
}

TEST_CASE("key file: empty - short - long or not hexadecimal is refused - never shown") {
  scratch_directory scratch("key-file");
  CHECK(refusal(key_file(scratch, "")).find(": empty: make one with 'imchat keygen FILE'") != std::string::npos);
  CHECK(refusal(key_file(scratch, "\n")).find(": empty: ") != std::string::npos);
  CHECK(refusal(key_file(scratch, " \n")).find("not a key") != std::string::npos);
  CHECK(refusal(key_file(scratch, "0011223344556677\n")).find("too short: 64 bits, a key has 256") !=
        std::string::npos);
  CHECK(refusal(key_file(scratch, key_then("00\n"))).find("too long") != std::string::npos);
  const std::string spoiled = std::string(a_key).replace(40, 1, "g");
  const auto message = refusal(key_file(scratch, spoiled));
  CHECK(message.find("not a key (a key is 64 hexadecimal digits)") != std::string::npos);
  CHECK(message.find("00112233") == std::string::npos);  // no byte of the file in the message
  CHECK(refusal(key_file(scratch, key_then("\nsecond line\n"))).find("not a key") != std::string::npos);
}

TEST_CASE("key file: a missing file or a directory is refused with the reason") {
  scratch_directory scratch("key-file");
  CHECK(refusal(scratch.path() / "absent") ==
        "key file '" + (scratch.path() / "absent").string() + "': cannot open it: No such file or directory");
  std::filesystem::create_directory(scratch.path() / "keys");
  ::chmod((scratch.path() / "keys").c_str(), 0700);
  CHECK(refusal(scratch.path() / "keys").find("not a regular file") != std::string::npos);
}

TEST_CASE("a new key file has mode 0600 - reads back - differs each time and is never overwritten") {
  scratch_directory scratch("key-file");
  std::set<std::string> keys;
  for (int i = 0; i < 3; ++i) {
    const auto path = scratch.path() / ("key" + std::to_string(i));
    write_new_key_file(path);
    struct stat status {};
    REQUIRE(::stat(path.c_str(), &status) == 0);
    CHECK((status.st_mode & 07777) == 0600);
    const auto text = read_text(path);
    CHECK(text.size() == 65);
    CHECK(text.back() == '\n');
    CHECK(refusal(path).empty());
    keys.insert(text);
  }
  CHECK(keys.size() == 3);

  const auto existing = scratch.path() / "key0";
  const auto before = read_text(existing);
  try {
    write_new_key_file(existing);
    FAIL("an existing key file was replaced");
  } catch (const key_file_error& e) {
    CHECK(std::string(e.what()).find("exists: not replaced") != std::string::npos);
  }
  CHECK(read_text(existing) == before);

  // Nor is a file reached through a symbolic link planted where the key goes.
  const auto target = scratch.path() / "target";
  imchat::test::write_file(target, "keep me");
  std::filesystem::create_symlink(target, scratch.path() / "planted");
  CHECK_THROWS_AS(write_new_key_file(scratch.path() / "planted"), key_file_error);
  CHECK(read_text(target) == "keep me");
}

TEST_CASE("password file: its one line is the password - a file others may read or with more lines is refused") {
  scratch_directory scratch("password-file");
  const auto path = key_file(scratch, "s3cret word\n");
  CHECK(imchat::read_password_file(path) == "s3cret word");
  const auto refused = [&](const std::string& text, mode_t mode = 0600) {
    const auto file = key_file(scratch, text, mode);
    try {
      imchat::read_password_file(file);
    } catch (const key_file_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(refused("no newline").empty());
  CHECK(refused("shared\n", 0640).find("chmod 600") != std::string::npos);
  CHECK(refused("").find("empty") != std::string::npos);
  CHECK(refused("\n").find("empty") != std::string::npos);
  CHECK(refused("one\ntwo\n").find("more than one line") != std::string::npos);
  CHECK(refused(std::string(imchat::max_password_size + 1, 'x')).find("longer than") != std::string::npos);
  const auto message = refused("shared\n", 0644);
  CHECK(message.starts_with("password file '"));
  CHECK(message.find("shared") == std::string::npos);  // the password is never shown
}

}  // TEST_SUITE
