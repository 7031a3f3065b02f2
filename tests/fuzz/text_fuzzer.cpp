// libFuzzer target for the parsers and the escaper of text that comes from users and
// peers: endpoints, directory addresses, interface specs (parsing only: resolving asks
// the host), the directory's name rules, and printable_text, whose output must never
// hold a character that controls a terminal or hides text. Built and run by
// run-fuzzer.sh.

#include "directory/directory_address.hpp"
#include "directory/name_rules.hpp"
#include "net/endpoint.hpp"
#include "net/interface_spec.hpp"
#include "util/printable_text.hpp"
#include "util/utf8.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "text invariant violated: %s\n", what);
  std::abort();
}

void check_printable(std::string_view text) {
  const auto shown = imchat::printable_text(text);
  for (std::size_t at = 0; at < shown.size();) {
    char32_t code_point = 0;
    const auto length = imchat::utf8::decode(shown, at, code_point);
    if (length == 0) broken("printable_text wrote malformed UTF-8");
    if (imchat::hides_or_controls(code_point)) broken("printable_text let a control or format character through");
    at += length;
  }
  const auto cut = imchat::printable_text(text, 16);
  if (text.size() > 16 && !cut.ends_with("...")) broken("a cut printable_text does not say so");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_printable(text);

  std::string why;
  imchat::net::host_and_port endpoint{"untouched", 7};
  if (imchat::net::parse_endpoint(text, endpoint, why)) {
    if (endpoint != imchat::net::host_and_port{"untouched", 7}) broken("a refused endpoint changed its output");
    if (why.empty()) broken("a refused endpoint gave no reason");
  } else if (endpoint.port == 0 || endpoint.host.empty()) {
    broken("an accepted endpoint has no host or port");
  }
  imchat::directory::parse_directory_address(text, endpoint, why);

  imchat::net::interface_spec spec;
  if (imchat::net::parse_interface_spec(text, spec, why) && why.empty()) broken("a refused spec gave no reason");

  const auto check = imchat::directory::check_text(text, 1024);
  const auto description = imchat::directory::describe(check, text.size(), 1024);
  if (description.empty()) broken("a name check without a description");
  return 0;
}
