#include "support/skip.hpp"

#include <iostream>

namespace imchat::test {

void report_skip(std::string_view reason) { std::cout << skip_marker << ": " << reason << std::endl; }

}  // namespace imchat::test
