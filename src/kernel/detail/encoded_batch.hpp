#pragma once
// A batch of an exchange's messages encoded once as MESSAGE frames, for every subscriber
// that sends them as they are: encoded on first use, then shared by reference, so that a
// batch fanned out to a hundred subscribers costs one encoding and no copy in user space
// (their connections write the shared bytes, net/outbound_queue.hpp). Lives for one
// delivery on the pipe's I/O thread.

#include "kernel/message.hpp"
#include "wire/frame.hpp"

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace imchat::detail {

class encoded_batch {
 public:
  explicit encoded_batch(std::span<const message> batch) noexcept : batch_(batch) {}

  // The frames of the data messages from batch index `first` on.
  struct range {
    std::shared_ptr<const wire::bytes> frames;
    std::size_t offset = 0;
    std::size_t size = 0;
    std::size_t messages = 0;
  };
  range from(std::size_t first);

 private:
  void encode();

  std::span<const message> batch_;
  std::shared_ptr<wire::bytes> frames_;  // null until first asked for
  // For each index: where its frame starts, and how many data messages come before it;
  // one more entry for the end.
  std::vector<std::size_t> starts_;
  std::vector<std::size_t> data_before_;
};

}  // namespace imchat::detail
