#pragma once
// Numbered lines for the chat tests that count what arrived: "TAG 1" ... "TAG N", said
// through a prompt's stdin or written to a file that a prompt reads (a flood), and
// waiting for a display's output file to hold a line.

#include "support/child_process.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace imchat::test::chat {

// "TAG 1" ... "TAG count".
std::vector<std::string> numbered(const std::string& tag, int count);

// Writes `lines` to `prompt`'s stdin, one per line (REQUIREd).
void say(child_process& prompt, const std::vector<std::string>& lines);

// Writes numbered(tag, count) into `file`, one per line.
void write_numbered(const std::filesystem::path& file, const std::string& tag, int count);

// Waits until `file` contains `text`.
bool wait_for_file_text(const std::filesystem::path& file, std::string_view text, std::chrono::milliseconds timeout);

// `a` then `b`.
std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b);

}  // namespace imchat::test::chat
