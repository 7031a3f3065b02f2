#include "directory/holder_text.hpp"

#include "util/printable_text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <vector>

namespace imchat::directory {

std::string holder_text(const wire::record& holder) {
  std::vector<std::string> where;
  for (const auto& endpoint : holder.endpoints) where.push_back(printable_text(endpoint));
  // fmt, not std::string's +: GCC 12 at -O3 warns falsely about those.
  return fmt::format("'{}' is registered by {} at {}", printable_text(holder.name),
                     holder.owner.empty() ? "another process" : printable_text(holder.owner), fmt::join(where, ", "));
}

std::string held_by_text(const wire::record& holder) {
  std::vector<std::string> where;
  for (const auto& endpoint : holder.endpoints) where.push_back(printable_text(endpoint));
  return fmt::format("name '{}' is held by {} (endpoints {})", printable_text(holder.name),
                     holder.owner.empty() ? "another registrant" : printable_text(holder.owner), fmt::join(where, ", "));
}

}  // namespace imchat::directory
