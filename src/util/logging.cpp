#include "util/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sys/stat.h>

namespace imchat {
namespace {

// "<N>" before each line: the syslog priority that journald reads off a service's stderr.
class journal_priority_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    static constexpr std::array<char, 7> priority{'7', '7', '6', '4', '3', '2', '6'};
    const auto level = static_cast<std::size_t>(msg.level);
    dest.push_back('<');
    dest.push_back(level < priority.size() ? priority[level] : '6');
    dest.push_back('>');
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<journal_priority_flag>();
  }
};

}  // namespace

std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, spdlog::level::level_enum>, 8> names{{
      {"trace", spdlog::level::trace},
      {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},
      {"warn", spdlog::level::warn},
      {"warning", spdlog::level::warn},
      {"error", spdlog::level::err},
      {"critical", spdlog::level::critical},
      {"off", spdlog::level::off},
  }};
  for (const auto& [text, level] : names)
    if (text == name) return level;
  return std::nullopt;
}

bool stderr_is_journal() {
  // systemd sets JOURNAL_STREAM to "DEVICE:INODE" of the stream it connected; it only
  // counts if stderr is still that stream (not redirected by a wrapper script).
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream) return false;
  unsigned long long device = 0, inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat status {};
  if (::fstat(2, &status) != 0) return false;
  return status.st_dev == device && status.st_ino == inode;
}

void setup_logging(spdlog::level::level_enum level) {
  auto logger = std::make_shared<spdlog::logger>(
      "imchat", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (stderr_is_journal()) {
    // The journal stamps each line itself.
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<journal_priority_flag>('*').set_pattern("%*%v");
    logger->set_formatter(std::move(formatter));
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
  logger->set_level(level);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace imchat
