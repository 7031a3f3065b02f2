#include "wire/frame_decoder.hpp"

#include "wire/error.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace imchat::wire {

std::error_code frame_decoder::check_header() noexcept {
  body_size_ = (std::to_integer<std::uint32_t>(header_[0]) << 24) |
               (std::to_integer<std::uint32_t>(header_[1]) << 16) |
               (std::to_integer<std::uint32_t>(header_[2]) << 8) |
               std::to_integer<std::uint32_t>(header_[3]);
  const auto type = std::to_integer<std::uint8_t>(header_[4]);
  if (!is_known_frame_type(type)) return error::unknown_frame_type;
  if (body_size_ > limits_.max_body_size) return error::frame_too_large;
  frame_.type = static_cast<frame_type>(type);
  return {};
}

std::size_t frame_decoder::put(std::span<const std::byte> input, std::error_code& ec) {
  std::size_t used = 0;
  if (state_ == state::failed) {
    ec = failure_;
    return 0;
  }
  assert(state_ != state::complete && "take() the complete frame before putting more");
  if (state_ == state::header) {
    const std::size_t n = std::min(frame_header_size - header_filled_, input.size());
    std::copy_n(input.begin(), n, header_.begin() + static_cast<std::ptrdiff_t>(header_filled_));
    header_filled_ += n;
    used += n;
    if (header_filled_ < frame_header_size) {
      ec = error::need_more;
      return used;
    }
    if (const auto bad = check_header()) {
      state_ = state::failed;
      failure_ = ec = bad;
      return used;
    }
    // The whole body is here too: it is left where it lies, for take_view().
    if (input.size() - used >= body_size_) {
      in_place_ = true;
      whole_ = input.subspan(used, body_size_);
      state_ = state::complete;
      ec = {};
      return used + body_size_;
    }
    state_ = state::body;
    in_place_ = false;
    frame_.body.clear();
    // Grow with the bytes that really arrive: five bytes from a peer must not buy a
    // megabyte of memory, or a few thousand idle connections could exhaust the host.
    frame_.body.reserve(std::min<std::size_t>(body_size_, initial_body_reserve));
  }
  const std::size_t missing = body_size_ - frame_.body.size();
  const std::size_t n = std::min(missing, input.size() - used);
  frame_.body.insert(frame_.body.end(), input.begin() + static_cast<std::ptrdiff_t>(used),
                     input.begin() + static_cast<std::ptrdiff_t>(used + n));
  used += n;
  if (frame_.body.size() < body_size_) {
    ec = error::need_more;
    return used;
  }
  state_ = state::complete;
  ec = {};
  return used;
}

frame frame_decoder::take() {
  bytes storage;
  const auto view = take_view(storage);
  if (storage.empty() && !view.body.empty()) storage.assign(view.body.begin(), view.body.end());
  return frame{view.type, std::move(storage)};
}

frame_view frame_decoder::take_view(bytes& storage) noexcept {
  assert(state_ == state::complete);
  state_ = state::header;
  header_filled_ = 0;
  // Decided by where the frame lay, not by its size: an empty frame (a heartbeat) after a
  // gathered one in the same read must leave `storage`, which the other one's view is of.
  if (std::exchange(in_place_, false)) return {frame_.type, std::exchange(whole_, {})};
  storage = std::move(frame_.body);
  frame_.body = {};
  return {frame_.type, storage};
}

}  // namespace imchat::wire
