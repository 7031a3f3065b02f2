#pragma once
// The std::system_error a call throws, for tests that check its code and its message:
//
//   const auto refused = thrown_error([&] { locator.register_object(...); });
//   CHECK(refused.code() == wire::error::name_in_use);

#include <system_error>

namespace imchat::test {

// What `call()` threw; a system_error with a default code (which fails any check of the
// code) if it returned normally.
template <typename Call>
std::system_error thrown_error(Call call) {
  try {
    call();
  } catch (const std::system_error& e) {
    return e;
  }
  return std::system_error(std::error_code{}, "did not throw");
}

}  // namespace imchat::test
