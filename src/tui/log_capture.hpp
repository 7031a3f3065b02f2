#pragma once
// While the chat client's screen is up, the process's log cannot go to standard error
// (it would scribble over the screen): the default logger's records at a given level and
// above are kept here instead, from whatever thread logs them, for the client to show in
// the conversation. The logger the program had is put back on destruction.

#include <spdlog/common.h>

#include <memory>
#include <string>
#include <vector>

namespace spdlog {
class logger;
}

namespace imchat::tui {

class log_capture {
 public:
  explicit log_capture(spdlog::level::level_enum level);
  ~log_capture();
  log_capture(const log_capture&) = delete;
  log_capture& operator=(const log_capture&) = delete;

  // The records logged since the last call, as lines safe for a terminal ("* imchat: ...").
  std::vector<std::string> take();

  class sink;

 private:
  std::shared_ptr<sink> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace imchat::tui
