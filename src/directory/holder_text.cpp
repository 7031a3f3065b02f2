#include "directory/holder_text.hpp"

#include "util/printable_text.hpp"

namespace imchat::directory {

std::string holder_text(const wire::record& holder) {
  std::string where;
  for (const auto& endpoint : holder.endpoints) where += (where.empty() ? "" : ", ") + printable_text(endpoint);
  return "'" + printable_text(holder.name) + "' is registered by " +
         (holder.owner.empty() ? "another process" : printable_text(holder.owner)) + " at " + where;
}

}  // namespace imchat::directory
