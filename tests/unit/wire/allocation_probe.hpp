#pragma once
// Watches the heap while alive: records the largest single allocation made meanwhile.
// Lets a test show that a decoder did not size a buffer from a length field it had
// refused (a 4 GiB length prefix must not cost 4 GiB, nor any large reserve at all).
//
// It works by replacing the global operator new of the unit-test binary
// (allocation_probe.cpp); outside a probe's lifetime that replacement only forwards to
// malloc, so other tests see no difference.

#include <cstddef>

namespace imchat::test {

class allocation_probe {
 public:
  allocation_probe() noexcept;
  ~allocation_probe();
  allocation_probe(const allocation_probe&) = delete;
  allocation_probe& operator=(const allocation_probe&) = delete;

  // The largest size passed to operator new since the probe started.
  std::size_t largest() const noexcept;
};

}  // namespace imchat::test
