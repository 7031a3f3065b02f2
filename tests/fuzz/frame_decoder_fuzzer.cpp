// libFuzzer target for the wire codec: greeting, frame decoder and typed decoders.
// The logic and the input layout are in fuzz_one_input.hpp, shared with the corpus
// replay unit test. Built and run by run-fuzzer.sh.

#include "fuzz/fuzz_one_input.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    imchat::fuzz::fuzz_one_input(std::as_bytes(std::span(data, size)));
  } catch (const imchat::fuzz::invariant_violation& broken) {
    // A wrong answer is as much a finding as a crash: make libFuzzer keep the input.
    std::fprintf(stderr, "wire invariant violated: %s\n", broken.what());
    std::abort();
  }
  return 0;
}
