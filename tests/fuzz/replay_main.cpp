// The main() of a fuzz target's replay program (imchat_fuzzer in CMakeLists.txt): the
// normal build links a target's LLVMFuzzerTestOneInput with this instead of libFuzzer and
// ctest runs it over the target's checked-in corpus, so that every seed keeps passing the
// target's checks without a clang fuzzing build. A broken invariant aborts, as under
// libFuzzer, and fails the test.
//
//   NAME_replay FILE_OR_DIRECTORY...

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path given(argv[i]);
    if (std::filesystem::is_directory(given)) {
      for (const auto& entry : std::filesystem::directory_iterator(given))
        if (entry.is_regular_file()) inputs.push_back(entry.path());
    } else {
      inputs.push_back(given);
    }
  }
  std::sort(inputs.begin(), inputs.end());
  // An empty or missing corpus would make the test pass by doing nothing.
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s FILE_OR_DIRECTORY... (no input found)\n", argv[0]);
    return 2;
  }
  for (const auto& path : inputs) {
    std::fprintf(stderr, "replaying %s\n", path.filename().c_str());
    const auto data = read_file(path);
    LLVMFuzzerTestOneInput(data.data(), data.size());
  }
  std::fprintf(stderr, "%zu inputs passed\n", inputs.size());
  // Without static destructors: a target's fixture (a server, a kernel with its threads)
  // lives for the whole run, and its threads must not outlive what exit() would destroy.
  std::fflush(stderr);
  std::_Exit(0);
}
