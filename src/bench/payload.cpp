#include "bench/payload.hpp"

#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace imchat::bench {

namespace {

constexpr std::string_view marker = "im";

// Reads a hex number and the space after it from the front of `text`.
template <typename Number>
bool take_hex(std::string_view& text, Number& value) {
  const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (problem != std::errc{} || end == text.data() + text.size() || *end != ' ') return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()) + 1);
  return true;
}

}  // namespace

std::size_t payload_size(std::size_t requested) { return std::max(requested, max_payload_header); }

void write_payload(std::span<std::byte> out, const payload_fields& fields) {
  char header[max_payload_header];
  const int written = std::snprintf(header, sizeof header, "im%c %" PRIx32 " %" PRIx64 " %" PRIx64 " ",
                                    static_cast<char>(fields.kind), fields.sender, fields.sequence,
                                    static_cast<std::uint64_t>(fields.intended_ns));
  const auto length = std::min(static_cast<std::size_t>(std::max(written, 0)), out.size());
  std::memcpy(out.data(), header, length);
  std::memset(out.data() + length, 'x', out.size() - length);
}

std::optional<payload_fields> read_payload(std::string_view text) {
  for (auto start = text.find(marker); start != std::string_view::npos; start = text.find(marker, start + 1)) {
    auto rest = text.substr(start + marker.size());
    if (rest.size() < 2 || rest[1] != ' ') continue;
    payload_fields fields;
    if (rest[0] == static_cast<char>(payload_kind::measured)) fields.kind = payload_kind::measured;
    else if (rest[0] == static_cast<char>(payload_kind::probe)) fields.kind = payload_kind::probe;
    else continue;
    rest.remove_prefix(2);
    std::uint64_t intended = 0;
    if (!take_hex(rest, fields.sender) || !take_hex(rest, fields.sequence) || !take_hex(rest, intended)) continue;
    fields.intended_ns = static_cast<std::int64_t>(intended);
    return fields;
  }
  return std::nullopt;
}

}  // namespace imchat::bench
