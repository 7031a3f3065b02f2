#pragma once
// Logging set-up: spdlog to stderr, one logger for the whole process.

#include <optional>
#include <string_view>

#include <spdlog/common.h>

namespace imchat {

// Parses "trace", "debug", "info", "warn", "error", "critical" or "off".
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name);

// Sends the default logger to stderr at `level`.
void setup_logging(spdlog::level::level_enum level);

}  // namespace imchat
