#include "directory/listing.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

using imchat::directory::format_listing;
using imchat::wire::object_kind;
using imchat::wire::record;

namespace {

record make_record(std::string name, object_kind kind, std::vector<std::string> endpoints,
                   std::string owner) {
  return record{kind, std::move(name), std::move(endpoints), std::move(owner)};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("listing: an empty directory is the header alone") {
  CHECK(format_listing({}) == "NAME  KIND  ENDPOINTS  OWNER\n");
}

TEST_CASE("listing: columns are aligned on the widest cell and rows keep their order") {
  const std::vector<record> records{
      make_record("E_cheese", object_kind::exchange, {"127.0.0.1:40001"}, "127.0.0.1:50000"),
      make_record("Q_cheese", object_kind::queue, {"127.0.0.1:40000", "[::1]:40000"}, "[::1]:50001"),
      make_record("Q_x", object_kind::queue, {"10.0.0.5:5555"}, "10.0.0.5:41234"),
  };
  CHECK(format_listing(records) ==
        "NAME      KIND      ENDPOINTS                    OWNER\n"
        "E_cheese  exchange  127.0.0.1:40001              127.0.0.1:50000\n"
        "Q_cheese  queue     127.0.0.1:40000,[::1]:40000  [::1]:50001\n"
        "Q_x       queue     10.0.0.5:5555                10.0.0.5:41234\n");
}

TEST_CASE("listing: multi-byte UTF-8 names count one column per character") {
  const std::vector<record> records{
      make_record("Q_fromage \xC3\xA0 l'ail", object_kind::queue, {"h:1"}, "o"),  // 17 characters
      make_record("Q_a", object_kind::queue, {"h:2"}, "o"),
  };
  const auto lines = lines_of(format_listing(records));
  REQUIRE(lines.size() == 3);
  CHECK(lines[1] == "Q_fromage \xC3\xA0 l'ail  queue  h:1        o");
  CHECK(lines[2] == "Q_a                queue  h:2        o");
}

TEST_CASE("listing: control and bidirectional characters in any cell are shown escaped") {
  // The directory refuses such names, but a listing must not trust whoever answered it.
  const std::vector<record> records{
      make_record("Q_\x1b[2J\nfake row", object_kind::queue, {"h:1\r"}, "owner\x07"),
      make_record("E_\xE2\x80\xAE" "evil", object_kind::exchange, {"h:2"}, "o"),
  };
  const auto table = format_listing(records);
  const auto lines = lines_of(table);
  REQUIRE(lines.size() == 3);  // the newline in the name did not start a row
  CHECK(lines[1] == "Q_\\x1b[2J\\x0afake row  queue     h:1\\x0d    owner\\x07");
  CHECK(lines[2] == "E_\\u202eevil           exchange  h:2        o");
  for (const char c : table) {
    CAPTURE(static_cast<int>(c));
    CHECK((c == '\n' || (c >= 0x20 && c < 0x7f)));
  }
}
