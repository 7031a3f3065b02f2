#include "bench/process_memory.hpp"

#include "support/child_process.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <memory>

#include <unistd.h>

using imchat::bench::resident_kib;

TEST_SUITE("bench") {

TEST_CASE("resident memory: a process's own grows by what it touches") {
  const auto before = resident_kib(::getpid());
  REQUIRE(before);
  CHECK(*before > 0);
  constexpr std::size_t touched = 64 * 1024 * 1024;
  const auto block = std::make_unique<char[]>(touched);
  std::memset(block.get(), 1, touched);
  asm volatile("" : : "g"(block.get()) : "memory");  // the pages are used: keep the writes
  const auto after = resident_kib(::getpid());
  REQUIRE(after);
  CHECK(*after >= *before + 32 * 1024);  // at least half of it, whatever was freed meanwhile
  CHECK(block[touched - 1] == 1);
}

TEST_CASE("resident memory: a process that is gone has none to report") {
  imchat::test::child_process child({"true"});
  const auto pid = child.pid();
  REQUIRE(child.wait_exit());  // reaped: the pid names no process now
  CHECK_FALSE(resident_kib(pid));
}

}  // TEST_SUITE
