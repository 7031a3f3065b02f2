#pragma once
// A byte count on the command line or in a config file: "4194304", "512K", "4M", "1G"
// (powers of 1024). Boost.Program_options parses it through validate() below, so a bad
// value is the usual "the argument ... is invalid" usage error.

#include <boost/any.hpp>
#include <boost/program_options/value_semantic.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::cmd {

struct byte_size {
  std::size_t bytes = 0;
};

// "4M" -> 4194304 in `out`. Like every parser of the program layer (cmd, chat), returns
// what is wrong with the text ("unknown unit (K, M or G)"), or nullopt when it is good;
// `out` is left alone on error.
std::optional<std::string> parse_byte_size(std::string_view text, std::size_t& out);
// 4194304 -> "4M": how a default is shown in --help.
std::string format_byte_size(std::size_t bytes);

void validate(boost::any& value, const std::vector<std::string>& values, byte_size*, int);

std::ostream& operator<<(std::ostream& out, const byte_size& size);

}  // namespace imchat::cmd
