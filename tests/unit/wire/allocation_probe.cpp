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

// The replaceable allocation functions, every non-aligned form: libstdc++ makes the
// array and nothrow forms forward to the plain one, but a sanitizer runtime supplies its
// own, and a block it allocates must not come back through the free() below (std::
// stable_sort's nothrow temporary buffer did: ASan's alloc-dealloc-mismatch).
void* operator new(std::size_t size) {
  imchat::test::record(size);
  if (void* block = std::malloc(size == 0 ? 1 : size)) return block;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  imchat::test::record(size);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }

void operator delete(void* block) noexcept { std::free(block); }
void operator delete(void* block, std::size_t) noexcept { std::free(block); }
void operator delete(void* block, const std::nothrow_t&) noexcept { std::free(block); }
void operator delete[](void* block) noexcept { std::free(block); }
void operator delete[](void* block, std::size_t) noexcept { std::free(block); }
void operator delete[](void* block, const std::nothrow_t&) noexcept { std::free(block); }
