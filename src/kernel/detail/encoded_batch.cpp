#include "kernel/detail/encoded_batch.hpp"

#include "wire/body_writer.hpp"

namespace imchat::detail {

void encoded_batch::encode() {
  auto frames = std::make_shared<wire::bytes>();
  std::size_t total = 0;
  for (const auto& m : batch_)
    if (m.type() == message_type::data) total += wire::frame_header_size + m.size();
  frames->reserve(total);
  starts_.reserve(batch_.size() + 1);
  data_before_.reserve(batch_.size() + 1);
  std::size_t data = 0;
  for (const auto& m : batch_) {
    starts_.push_back(frames->size());
    data_before_.push_back(data);
    if (m.type() != message_type::data) continue;
    wire::append_frame(*frames, wire::frame_type::message, m.data());
    ++data;
  }
  starts_.push_back(frames->size());
  data_before_.push_back(data);
  frames_ = std::move(frames);
}

encoded_batch::range encoded_batch::from(std::size_t first) {
  if (!frames_) encode();
  first = std::min(first, batch_.size());
  return {frames_, starts_[first], starts_.back() - starts_[first], data_before_.back() - data_before_[first]};
}

}  // namespace imchat::detail
