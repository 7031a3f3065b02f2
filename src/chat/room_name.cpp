#include "chat/room_name.hpp"

#include "directory/registry.hpp"

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

}  // namespace imchat::chat
