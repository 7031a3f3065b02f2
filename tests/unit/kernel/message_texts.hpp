#pragma once
// Messages as text for kernel tests: numbered series to send, and what a thread received,
// so that checks compare whole sequences and a failure prints them.

#include "kernel/api_thread.hpp"
#include "text_list_printing.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::test {

// "PREFIX 1", "PREFIX 2", ... "PREFIX count".
std::vector<std::string> numbered(std::string_view prefix, std::size_t count);

void send_all(api_thread& api, exchange_id to, const std::vector<std::string>& texts);

// The texts of the next `count` messages, or fewer if `timeout` (for all of them) passes
// first. A gap notice is recorded as "<gap>".
std::vector<std::string> receive_texts(api_thread& api, std::size_t count, std::chrono::milliseconds timeout);

// Everything already waiting, without blocking.
std::vector<std::string> drain_texts(api_thread& api);

// The messages of `all` that start with `prefix`, in order.
std::vector<std::string> starting_with(const std::vector<std::string>& all, std::string_view prefix);

}  // namespace imchat::test
