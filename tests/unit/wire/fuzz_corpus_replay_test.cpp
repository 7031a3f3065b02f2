// Replays the wire fuzzer's checked-in corpus (tests/fuzz/corpus/) through the fuzzer's
// own checks (tests/fuzz/fuzz_one_input.hpp) on every unit-test run, so the seeds keep
// passing without a fuzzing build, and checks that the corpus still covers the protocol.

#include "fuzz/fuzz_one_input.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace imchat::fuzz {
namespace {

std::vector<std::filesystem::path> corpus_files() {
  std::vector<std::filesystem::path> files;
  const std::filesystem::path dir(IMCHAT_FUZZ_CORPUS_DIR);
  if (!std::filesystem::is_directory(dir)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

wire::bytes read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  const std::vector<char> chars{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const auto view = std::as_bytes(std::span(chars));
  return {view.begin(), view.end()};
}

// Every file through the fuzzer's checks; a broken invariant fails the test, naming the file.
std::vector<fuzz_outcome> replay_corpus() {
  std::vector<fuzz_outcome> outcomes;
  for (const auto& path : corpus_files()) {
    INFO("corpus file " << path.filename().string());
    try {
      outcomes.push_back(fuzz_one_input(read_file(path)));
    } catch (const invariant_violation& broken) {
      FAIL_CHECK(std::string(broken.what()));
    }
  }
  return outcomes;
}

TEST_CASE("every file of the fuzz corpus passes the fuzzer's checks") {
  const auto files = corpus_files();
  INFO("corpus directory " << IMCHAT_FUZZ_CORPUS_DIR);
  // An empty or missing corpus would make this test pass by doing nothing.
  REQUIRE(files.size() >= 10);
  CHECK(replay_corpus().size() == files.size());
}

TEST_CASE("the fuzz corpus covers every frame type and every refusal") {
  const auto outcomes = replay_corpus();
  auto any = [&outcomes](auto predicate) { return std::any_of(outcomes.begin(), outcomes.end(), predicate); };

  SUBCASE("greetings") {
    for (const auto expected : {std::error_code{}, make_error_code(wire::error::bad_magic),
                                make_error_code(wire::error::unsupported_version),
                                make_error_code(wire::error::bad_role)}) {
      INFO("greeting result " << expected.message());
      CHECK(any([&](const fuzz_outcome& o) { return o.has_greeting && o.greeting_result == expected; }));
    }
    CHECK(any([](const fuzz_outcome& o) { return !o.has_greeting; }));
  }
  SUBCASE("a well-formed body of every frame type") {
    for (const unsigned type : {0x01u, 0x02u, 0x10u, 0x11u, 0x12u, 0x13u, 0x18u, 0x19u, 0x1Au, 0x1Bu,
                                0x20u, 0x21u, 0x22u}) {
      INFO("frame type " << type);
      CHECK(any([type](const fuzz_outcome& o) { return o.typed_ok[type] > 0; }));
    }
  }
  SUBCASE("bodies refused for each reason") {
    for (const auto reason : {wire::error::truncated_body, wire::error::trailing_bytes,
                              wire::error::bad_field_value}) {
      INFO("body error " << make_error_code(reason).message());
      CHECK(any([reason](const fuzz_outcome& o) { return o.body_errors[static_cast<std::size_t>(reason)]; }));
    }
  }
  SUBCASE("streams refused or cut short") {
    for (const auto reason : {wire::error::frame_too_large, wire::error::unknown_frame_type}) {
      INFO("stream error " << make_error_code(reason).message());
      CHECK(any([reason](const fuzz_outcome& o) { return o.stream_error == reason; }));
    }
    CHECK(any([](const fuzz_outcome& o) { return o.ended_mid_frame; }));
  }
}

}  // namespace
}  // namespace imchat::fuzz
