// Frame types (src/wire/frame.hpp): exactly the types of docs/wire-protocol.md §3 are
// known, each with its name.

#include "wire/frame.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

namespace imchat::wire {
namespace {

const std::map<unsigned, std::string_view> spec_frame_names = {
    {0x01, "ERROR"},  {0x02, "HEARTBEAT"}, {0x10, "REGISTER"}, {0x11, "UNREGISTER"},
    {0x12, "LOOKUP"}, {0x13, "LIST"},      {0x18, "OK"},       {0x19, "FAIL"},
    {0x1A, "RECORD"}, {0x1B, "RECORDS"},   {0x20, "ATTACH"},   {0x21, "ATTACHED"},
    {0x22, "MESSAGE"},  {0x23, "ACK"},
};

TEST_CASE("exactly the spec's frame types are known - each by its spec name") {
  for (unsigned type = 0; type <= 0xFF; ++type) {
    INFO("type " << type);
    const auto spec = spec_frame_names.find(type);
    const bool in_spec = spec != spec_frame_names.end();
    CHECK(is_known_frame_type(static_cast<std::uint8_t>(type)) == in_spec);
    const auto name = frame_type_name(static_cast<frame_type>(type));
    CHECK(name == (in_spec ? spec->second : std::string_view{}));
  }
}

TEST_CASE("the header is 5 bytes and the default body limit 1 MiB") {
  CHECK(frame_header_size == 5);
  CHECK(default_max_body_size == 1'048'576);
}

TEST_CASE("text and bytes views round-trip - embedded NUL and high bytes included") {
  using namespace std::string_view_literals;
  const auto text = "a\0b\xff"sv;
  const auto view = as_bytes(text);
  REQUIRE(view.size() == 4);
  CHECK(view[1] == std::byte{0});
  CHECK(view[3] == std::byte{0xFF});
  CHECK(as_text(view) == text);
  CHECK(as_text({}).empty());
}

}  // namespace
}  // namespace imchat::wire
