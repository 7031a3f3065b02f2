#include "directory/listing.hpp"

#include "util/printable_text.hpp"

#include <algorithm>
#include <array>

namespace imchat::directory {
namespace {

constexpr std::size_t column_count = 4;
using row = std::array<std::string, column_count>;

constexpr std::string_view column_gap = "  ";

// Columns are aligned by code point, which is right for the Latin, Greek and Cyrillic
// names a terminal shows one cell per character; wide (CJK) characters still print, only
// their row's columns end up shifted.
std::size_t display_width(std::string_view printable) {
  return static_cast<std::size_t>(std::count_if(printable.begin(), printable.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u;  // not a continuation byte
  }));
}

row cells_of(const wire::record& record) {
  std::string endpoints;
  for (const auto& endpoint : record.endpoints) {
    if (!endpoints.empty()) endpoints += ',';
    endpoints += printable_text(endpoint);
  }
  return {printable_text(record.name), std::string(wire::object_kind_name(record.kind)),
          std::move(endpoints), printable_text(record.owner)};
}

}  // namespace

std::string format_listing(const std::vector<wire::record>& records) {
  std::vector<row> rows{{"NAME", "KIND", "ENDPOINTS", "OWNER"}};
  rows.reserve(records.size() + 1);
  for (const auto& record : records) rows.push_back(cells_of(record));

  std::array<std::size_t, column_count> widths{};
  for (const auto& cells : rows)
    for (std::size_t column = 0; column < column_count; ++column)
      widths[column] = std::max(widths[column], display_width(cells[column]));

  std::string table;
  for (const auto& cells : rows) {
    for (std::size_t column = 0; column < column_count; ++column) {
      table += cells[column];
      // The last column is not padded: no trailing blanks.
      if (column + 1 < column_count)
        table.append(widths[column] - display_width(cells[column]) + column_gap.size(), ' ');
    }
    table += '\n';
  }
  return table;
}

}  // namespace imchat::directory
