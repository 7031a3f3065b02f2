#pragma once
// A directory of its own for one test's files, under the system's temporary directory,
// removed with everything in it when the test ends.
//
//   scratch_directory scratch("flood");
//   write_file(scratch.path() / "lines", text);

#include <filesystem>
#include <string>
#include <string_view>

namespace imchat::test {

class scratch_directory {
 public:
  // A new, empty directory named after `purpose`, this process and a counter.
  explicit scratch_directory(std::string_view purpose);
  ~scratch_directory();
  scratch_directory(const scratch_directory&) = delete;
  scratch_directory& operator=(const scratch_directory&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

// Writes `text` to `file` (replacing it); throws std::system_error on failure.
void write_file(const std::filesystem::path& file, std::string_view text);
// The whole of `file`, or "" if it cannot be read.
std::string read_file(const std::filesystem::path& file);

}  // namespace imchat::test
