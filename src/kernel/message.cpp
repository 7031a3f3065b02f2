#include "kernel/message.hpp"

#include <algorithm>

namespace imchat {

message::message(std::size_t size)
    : buffer_(size ? std::make_shared_for_overwrite<std::byte[]>(size) : nullptr), size_(size) {}

message::message(std::span<const std::byte> bytes) : message(bytes.size()) {
  std::copy(bytes.begin(), bytes.end(), buffer_.get());
}

message::message(std::string_view text) : message(std::as_bytes(std::span(text.data(), text.size()))) {}

message message::sharing(const std::shared_ptr<std::byte[]>& buffer, std::size_t offset, std::size_t size) {
  message m;
  if (size != 0) m.buffer_ = std::shared_ptr<std::byte[]>(buffer, buffer.get() + offset);
  m.size_ = size;
  return m;
}

message message::gap(std::uint64_t lost) {
  message m;
  m.type_ = message_type::gap;
  m.number_ = lost;
  return m;
}

message message::notice(message_type type) {
  message m;
  m.type_ = type;
  return m;
}

}  // namespace imchat
