#include "cmd/option_error_text.hpp"

namespace imchat::cmd {

namespace {

std::string without_placeholders(std::string_view text) {
  std::string out;
  for (const char c : text) out += c == '%' ? std::string("%25") : std::string(1, c);
  return out;
}

}  // namespace

std::string option_error_text(boost::program_options::error_with_option_name& e, std::string_view value) {
  e.set_substitute("value", without_placeholders(value));
  return e.what();
}

}  // namespace imchat::cmd
