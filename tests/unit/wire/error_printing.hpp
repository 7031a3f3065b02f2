#pragma once
// Makes doctest print protocol errors by name ("truncated_body") rather than as "{?}" or
// "imchat.wire:6", so a failed CHECK says which error was expected and which one came.

#include "wire/error.hpp"

#include <doctest/doctest.h>

#include <string>
#include <system_error>

namespace imchat::wire::test {

inline std::string error_label(const std::error_code& ec) {
  if (!ec) return "success";
  if (ec.category() == wire_category()) {
    const auto name = error_name(static_cast<std::uint16_t>(ec.value()));
    if (!name.empty()) return std::string(name);
  }
  return std::string(ec.category().name()) + ":" + std::to_string(ec.value());
}

}  // namespace imchat::wire::test

template <>
struct doctest::StringMaker<std::error_code> {
  static doctest::String convert(const std::error_code& ec) {
    return imchat::wire::test::error_label(ec).c_str();
  }
};

template <>
struct doctest::StringMaker<imchat::wire::error> {
  static doctest::String convert(imchat::wire::error e) {
    return imchat::wire::test::error_label(make_error_code(e)).c_str();
  }
};
