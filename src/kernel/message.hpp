#pragma once
// A message: bytes plus a type (data, or a notice about the connection it came over: a
// gap notice saying the stream lost messages, or that the connection broke or is back).
// The bytes live in one reference-counted buffer, so an exchange hands the same buffer
// to every bound queue and I/O thread instead of copying it per subscriber.
//
// A data message that went through an exchange carries the number the exchange gave it
// (1, 2, 3... per exchange), which is how a subscriber that reconnects resumes where it
// left off. One taken from a global queue carries the stream it came in on (the remote
// publisher's identity) and its number in that stream, which is what an application that
// stores what it receives records (api_thread::received_streams). A gap notice carries
// how many messages were lost, when that is known.
//
// The notices, each off until api_thread::mask() switches it on, come from a binding to a
// remote exchange, in the order of what happened: `disconnected` when its connection
// breaks (once per outage, however many attempts to reconnect fail), then on reconnecting
// `gap` if messages are missing, then `reconnected`.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace imchat {

enum class message_type : std::uint8_t {
  data = 1,
  gap = 2,           // connection trouble: messages may be missing before the next one
  disconnected = 3,  // the connection to a remote exchange broke; reconnecting
  reconnected = 4,   // it is back; a gap notice came first if messages were lost
};

class message {
 public:
  // An empty data message.
  message() = default;
  // A data message of `size` bytes to be filled through data() before it is sent.
  explicit message(std::size_t size);
  explicit message(std::span<const std::byte> bytes);
  explicit message(std::string_view text);
  // A data message of the `size` bytes at `offset` in `buffer`, which it keeps alive, with
  // every other message made of it: how the messages of one read share one allocation.
  static message sharing(const std::shared_ptr<std::byte[]>& buffer, std::size_t offset, std::size_t size);

  // A gap notice; `lost` is 0 when the number of lost messages is unknown.
  static message gap(std::uint64_t lost = 0);
  // A connection notice: `disconnected` or `reconnected`.
  static message notice(message_type type);

  // Data: its number in the stream it came in on: the exchange's number for a message a
  // subscriber received, the publisher's for one a global queue received (0 before it is
  // sent, and for one that came through no stream).
  std::uint64_t sequence() const noexcept { return type_ == message_type::data ? number_ : 0; }
  void set_sequence(std::uint64_t sequence) noexcept { number_ = sequence; }
  // Data taken from a global queue: the remote publisher's stream identity (0 otherwise).
  std::uint64_t stream() const noexcept { return stream_; }
  void set_stream(std::uint64_t stream) noexcept { stream_ = stream; }
  // Gap notice: how many messages were lost, 0 when unknown.
  std::uint64_t lost() const noexcept { return type_ == message_type::gap ? number_ : 0; }

  message_type type() const noexcept { return type_; }
  std::size_t size() const noexcept { return size_; }
  std::span<const std::byte> data() const noexcept { return {buffer_.get(), size_}; }
  // Writable bytes: only for filling a new message before it is sent, since a sent
  // message's buffer is shared with every receiver.
  std::span<std::byte> data() noexcept { return {buffer_.get(), size_}; }
  std::string_view text() const noexcept {
    return {reinterpret_cast<const char*>(buffer_.get()), size_};
  }

 private:
  std::shared_ptr<std::byte[]> buffer_;
  std::size_t size_ = 0;
  std::uint64_t number_ = 0;  // sequence() or lost(), by type
  std::uint64_t stream_ = 0;
  message_type type_ = message_type::data;
};

}  // namespace imchat
