#include "chat/stamp.hpp"

#include "chat/timestamp.hpp"

#include <algorithm>

namespace imchat::chat {

message stamped(const message& in, std::time_t now) {
  const auto& prefix = timestamp_prefix(now);
  message out(prefix.size() + in.size());
  const auto bytes = out.data();
  std::transform(prefix.begin(), prefix.end(), bytes.begin(), [](char c) { return static_cast<std::byte>(c); });
  std::copy(in.data().begin(), in.data().end(), bytes.begin() + static_cast<std::ptrdiff_t>(prefix.size()));
  return out;
}

}  // namespace imchat::chat
