#include "wire/body_reader.hpp"

namespace imchat::wire {

std::uint64_t body_reader::take_be(std::size_t width) noexcept {
  if (error_ || rest_.size() < width) {
    fail(error::truncated_body);
    return 0;
  }
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) value = (value << 8) | std::to_integer<std::uint8_t>(rest_[i]);
  rest_ = rest_.subspan(width);
  return value;
}

std::string body_reader::str() {
  const std::size_t size = u16();
  if (error_ || rest_.size() < size) {
    fail(error::truncated_body);
    return {};
  }
  std::string text(as_text(rest_.first(size)));
  rest_ = rest_.subspan(size);
  return text;
}

std::span<const std::byte> body_reader::rest() noexcept {
  auto all = rest_;
  rest_ = {};
  return all;
}

}  // namespace imchat::wire
