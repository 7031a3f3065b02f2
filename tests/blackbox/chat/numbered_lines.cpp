#include "blackbox/chat/numbered_lines.hpp"

#include "support/eventually.hpp"
#include "support/scratch_directory.hpp"

#include <doctest/doctest.h>

namespace imchat::test::chat {

std::vector<std::string> numbered(const std::string& tag, int count) {
  std::vector<std::string> lines;
  for (int i = 1; i <= count; ++i) lines.push_back(tag + " " + std::to_string(i));
  return lines;
}

void say(child_process& prompt, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  REQUIRE(prompt.write_stdin(text));
}

void write_numbered(const std::filesystem::path& file, const std::string& tag, int count) {
  std::string text;
  for (const auto& line : numbered(tag, count)) text += line + "\n";
  write_file(file, text);
}

bool wait_for_file_text(const std::filesystem::path& file, std::string_view text, std::chrono::milliseconds timeout) {
  return eventually([&] { return read_file(file).find(text) != std::string::npos; }, timeout);
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace imchat::test::chat
