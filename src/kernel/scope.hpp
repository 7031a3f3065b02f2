#pragma once
// Who can see an exchange or a queue (the tutorial's scope_local/process/global).

#include <string_view>

namespace imchat {

enum class scope {
  local,    // only the application thread that created it
  process,  // every application thread of the same dispatcher
  global,   // the whole network, through the directory
};

constexpr std::string_view scope_name(scope s) noexcept {
  switch (s) {
    case scope::local: return "local";
    case scope::process: return "process";
    case scope::global: return "global";
  }
  return "unknown";
}

}  // namespace imchat
