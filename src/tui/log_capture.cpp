#include "tui/log_capture.hpp"

#include "util/printable_text.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace imchat::tui {

// Keeps at most this many records unread: a storm of them must not grow without bound.
constexpr std::size_t max_kept = 1000;

class log_capture::sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(lines_, {});
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& record) override {
    if (lines_.size() >= max_kept) return;
    const std::string_view text(record.payload.data(), record.payload.size());
    lines_.push_back("* imchat: " + printable_text(text));
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;  // guarded by base_sink's mutex_
};

log_capture::log_capture(spdlog::level::level_enum level)
    : sink_(std::make_shared<sink>()), previous_(spdlog::default_logger()) {
  auto logger = std::make_shared<spdlog::logger>("imchat", sink_);
  logger->set_level(level);
  spdlog::set_default_logger(std::move(logger));
}

log_capture::~log_capture() { spdlog::set_default_logger(previous_); }

std::vector<std::string> log_capture::take() { return sink_->take(); }

}  // namespace imchat::tui
