#pragma once
// Logging set-up: spdlog to stderr, one logger for the whole process.

#include <optional>
#include <string_view>

#include <spdlog/common.h>

namespace imchat {

// Parses "trace", "debug", "info", "warn", "error", "critical" or "off".
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name);

// Whether stderr is the journal stream systemd connected ($JOURNAL_STREAM).
bool stderr_is_journal();

// Sends the default logger to stderr at `level`: timestamped lines on a terminal or a
// file, "<N>"-prefixed lines without timestamps when stderr is the journal.
void setup_logging(spdlog::level::level_enum level);

}  // namespace imchat
