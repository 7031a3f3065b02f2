#include "chat/terminal_text.hpp"

#include "util/printable_text.hpp"

namespace imchat::chat {

std::string terminal_safe(std::string_view text) {
  if (text.ends_with('\0')) text.remove_suffix(1);
  if (text.ends_with('\n')) text.remove_suffix(1);
  if (text.ends_with('\r')) text.remove_suffix(1);
  return printable_text(text);
}

}  // namespace imchat::chat
