#include "chat/room_name.hpp"

#include "directory/registry.hpp"

#include <cstdint>

namespace imchat::chat {

std::optional<std::string> room_name_problem(std::string_view name) {
  if (name.empty()) return "a room name cannot be empty";
  if (name.size() > max_room_name_size)
    return "a room name is at most " + std::to_string(max_room_name_size) + " bytes (this one has " +
           std::to_string(name.size()) + ")";
  if (!directory::is_valid_name(name, max_room_name_size))
    return "a room name must be UTF-8 without control characters";
  return std::nullopt;
}

namespace {
// The longest escaped name used whole as a file name.
constexpr std::size_t max_plain_file_name = 200;
}  // namespace

std::string file_name_for(std::string_view name) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto byte = static_cast<unsigned char>(name[i]);
    const bool plain = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') ||
                       byte == '-' || byte == '_' || (byte == '.' && i > 0);
    if (plain) {
      out += static_cast<char>(byte);
    } else {
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
    }
  }
  if (out.size() <= max_plain_file_name) return out;
  // Too long for a file name (255 bytes): a beginning, cut between escapes, and a hash of
  // the whole name after a '~', which no escaped name has.
  std::size_t cut = max_plain_file_name - 17;
  while (cut > 0 && (out[cut - 1] == '%' || (cut > 1 && out[cut - 2] == '%'))) --cut;
  std::uint64_t hash = 0xcbf29ce484222325;  // FNV-1a: the same in every build, for good
  for (const char c : name) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3;
  out.resize(cut);
  out += '~';
  for (int shift = 60; shift >= 0; shift -= 4) out += hex[(hash >> shift) & 0xf];
  return out;
}

std::optional<std::string> user_name_problem(std::string_view user) {
  if (user.empty() || user.find_first_of("\n\r") != std::string_view::npos)
    return "USER must be a non-empty name on one line";
  return std::nullopt;
}

}  // namespace imchat::chat
