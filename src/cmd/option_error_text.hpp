#pragma once
// The text of a program_options error about a value someone gave, made safe to print.
// program_options (1.74) fills its messages' placeholders ("%value%") in a loop until none
// is left, so a value that holds a placeholder itself would never end: the value goes
// into the message with its '%' written as "%25".

#include <boost/program_options/errors.hpp>

#include <string>
#include <string_view>

namespace imchat::cmd {

// e.what(), with `value` (what was given for the option) in it, placeholder-free.
std::string option_error_text(boost::program_options::error_with_option_name& e, std::string_view value);

}  // namespace imchat::cmd
