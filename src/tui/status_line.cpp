#include "tui/status_line.hpp"

#include "util/printable_text.hpp"

#include <fmt/format.h>

namespace imchat::tui {

std::string status_text(const chat_status& status) {
  const auto room = printable_text(status.room);
  std::string text;
  switch (status.state) {
    case chat_status::link::waiting_for_directory:
      text = fmt::format("{}: waiting for the directory at {}…", room, printable_text(status.directory));
      break;
    case chat_status::link::waiting_for_room:
      text = fmt::format("{}: waiting for the room to start…", room);
      break;
    case chat_status::link::connected: {
      std::string where;
      for (const auto& endpoint : status.endpoints)
        where = where.empty() ? printable_text(endpoint) : fmt::format("{}, {}", where, printable_text(endpoint));
      text = where.empty() ? fmt::format("connected to {}", room) : fmt::format("connected to {} at {}", room, where);
      break;
    }
    case chat_status::link::reconnecting:
      text = fmt::format("reconnecting to {}…", room);
      break;
  }
  if (status.unacknowledged > 0)
    text = fmt::format("{} · {} {} not acknowledged", text, status.unacknowledged,
                       status.unacknowledged == 1 ? "line" : "lines");
  if (status.leaving) text = fmt::format("{} · leaving when the room has them (Ctrl-C: now)", text);
  if (status.scrolled_back) text = fmt::format("{} · scrolled back (PgDn: newer)", text);
  return text;
}

}  // namespace imchat::tui
