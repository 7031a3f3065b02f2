#include "kernel/detail/resend_buffer.hpp"

namespace imchat::detail {

void resend_buffer::add(const message& m) {
  held_.push_back(m);
  ++next_;
}

std::optional<resend_buffer::released> resend_buffer::acknowledge(std::uint64_t next) {
  if (next > next_) return std::nullopt;
  released out;
  while (!held_.empty() && first() < next) {
    ++out.messages;
    out.bytes += held_.front().size();
    held_.pop_front();
  }
  return out;
}

}  // namespace imchat::detail
