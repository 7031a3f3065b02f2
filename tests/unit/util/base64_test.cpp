#include "util/base64.hpp"

#include <doctest/doctest.h>

#include <string>

using imchat::base64_decode;
using imchat::base64_encode;

TEST_SUITE("util") {

TEST_CASE("base64: RFC 4648's test vectors both ways") {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},          {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [bytes, text] : vectors) {
    CAPTURE(bytes);
    CHECK(base64_encode(bytes) == text);
    CHECK(base64_decode(text) == bytes);
  }
}

TEST_CASE("base64: every byte value goes round") {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t length = 0; length <= all.size(); length += 37) {
    CAPTURE(length);
    CHECK(base64_decode(base64_encode(all.substr(0, length))) == all.substr(0, length));
  }
}

TEST_CASE("base64: malformed text is refused - not guessed at") {
  for (const char* text : {"Zg", "Zg=", "Z===", "Zm9v!", "Zm9 v", "Zg==Zg==", "=Zg=", "Zh==", "Zm9=", "Zm8=\n"}) {
    CAPTURE(text);
    CHECK_FALSE(base64_decode(text).has_value());
  }
}

}  // TEST_SUITE
