#include "allocation_probe.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace imchat::test {
namespace {

// Plain atomics: operator new may run before main and on any thread.
std::atomic<int> active_probes{0};
std::atomic<std::size_t> largest_seen{0};

void record(std::size_t size) noexcept {
  if (active_probes.load(std::memory_order_relaxed) == 0) return;
  std::size_t previous = largest_seen.load(std::memory_order_relaxed);
  while (size > previous && !largest_seen.compare_exchange_weak(previous, size)) {
  }
}

}  // namespace

allocation_probe::allocation_probe() noexcept {
  largest_seen.store(0);
  active_probes.fetch_add(1);
}

allocation_probe::~allocation_probe() { active_probes.fetch_sub(1); }

std::size_t allocation_probe::largest() const noexcept { return largest_seen.load(); }

}  // namespace imchat::test

// The replaceable allocation functions. The array and nothrow forms of the standard
// library forward to these two, so every non-aligned allocation passes through here.
void* operator new(std::size_t size) {
  imchat::test::record(size);
  if (void* block = std::malloc(size == 0 ? 1 : size)) return block;
  throw std::bad_alloc();
}

void operator delete(void* block) noexcept { std::free(block); }
void operator delete(void* block, std::size_t) noexcept { std::free(block); }
