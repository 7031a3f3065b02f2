#pragma once
// Lets doctest print a list of message texts in a failed check, as
// {"m 1", "m 2", ... (2000 in all)}, instead of an unprintable operand.

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace doctest {

template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& texts) {
    constexpr std::size_t shown = 12;
    std::string out = "{";
    for (std::size_t i = 0; i < texts.size() && i < shown; ++i) out += (i ? ", \"" : "\"") + texts[i] + "\"";
    if (texts.size() > shown) out += ", ... (" + std::to_string(texts.size()) + " in all)";
    out += "}";
    return String(out.c_str());
  }
};

}  // namespace doctest
