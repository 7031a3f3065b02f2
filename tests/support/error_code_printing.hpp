#pragma once
// Lets doctest print a std::error_code in a failed check as "category:value (message)", so
// a failure shows which error came back instead of an unprintable operand.

#include <doctest/doctest.h>

#include <string>
#include <system_error>

namespace doctest {

template <>
struct StringMaker<std::error_code> {
  static String convert(const std::error_code& code) {
    const std::string text = std::string(code.category().name()) + ":" +
                             std::to_string(code.value()) + " (" + code.message() + ")";
    return String(text.c_str());
  }
};

}  // namespace doctest
