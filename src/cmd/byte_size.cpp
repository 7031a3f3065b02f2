#include "cmd/byte_size.hpp"

#include <boost/program_options/errors.hpp>

#include <charconv>
#include <ostream>

namespace imchat::cmd {

std::optional<std::string> parse_byte_size(std::string_view text, std::size_t& out) {
  std::size_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc::result_out_of_range) return "too large";
  if (ec != std::errc{} || end == text.data()) return "not a number of bytes (digits, then K, M or G)";
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  unsigned shift = 0;
  if (unit == "K" || unit == "k") shift = 10;
  else if (unit == "M" || unit == "m") shift = 20;
  else if (unit == "G" || unit == "g") shift = 30;
  else if (!unit.empty()) return "unknown unit (K, M or G)";
  if (number > (~std::size_t{0} >> shift)) return "too large";
  out = number << shift;
  return std::nullopt;
}

std::string format_byte_size(std::size_t bytes) {
  for (const auto& [shift, unit] : {std::pair{30u, "G"}, std::pair{20u, "M"}, std::pair{10u, "K"}})
    if (bytes != 0 && bytes % (std::size_t{1} << shift) == 0) return std::to_string(bytes >> shift) + unit;
  return std::to_string(bytes);
}

void validate(boost::any& value, const std::vector<std::string>& values, byte_size*, int) {
  namespace po = boost::program_options;
  po::validators::check_first_occurrence(value);
  const auto& text = po::validators::get_single_string(values);
  std::size_t bytes = 0;
  if (parse_byte_size(text, bytes)) throw po::invalid_option_value(text);
  value = byte_size{bytes};
}

std::ostream& operator<<(std::ostream& out, const byte_size& size) { return out << format_byte_size(size.bytes); }

}  // namespace imchat::cmd
