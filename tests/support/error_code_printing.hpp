#pragma once
// Lets doctest print a std::error_code (and a wire::error) in a failed check: protocol
// errors by name ("truncated_body"), others as "category:value (message)", so a failure
// says which error was expected and which one came instead of "{?}". The only
// StringMaker<std::error_code> of the tests: include this one, never define another.

#include "wire/error.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <system_error>

namespace imchat::test {

inline std::string error_label(const std::error_code& code) {
  if (!code) return "success";
  if (code.category() == wire::wire_category()) {
    const auto name = wire::error_name(static_cast<std::uint16_t>(code.value()));
    if (!name.empty()) return std::string(name);
  }
  return std::string(code.category().name()) + ":" + std::to_string(code.value()) + " (" + code.message() + ")";
}

}  // namespace imchat::test

template <>
struct doctest::StringMaker<std::error_code> {
  static doctest::String convert(const std::error_code& code) { return imchat::test::error_label(code).c_str(); }
};

template <>
struct doctest::StringMaker<imchat::wire::error> {
  static doctest::String convert(imchat::wire::error e) {
    return imchat::test::error_label(make_error_code(e)).c_str();
  }
};
