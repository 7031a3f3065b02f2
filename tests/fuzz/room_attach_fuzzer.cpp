// libFuzzer target for a room's global objects as peers reach them: the kernel's ATTACH
// handling (object_listener), the publisher streams of a global queue (publisher_session,
// publisher_registry, queue_feeder) and the subscriber streams of a global exchange
// (subscriber_session, history_ring). Made once for the whole run, as a room makes them
// (src/cmd/room.cpp): a directory (directory_thread), a locator, a dispatcher with an I/O
// thread, and on this thread an api_thread with the global queue Q_fuzz and the global
// exchange E_fuzz on 127.0.0.1. Every input publishes one message into E_fuzz, then is
// one TCP connection to one of the two that sends an ATTACH and frames after it. Built and
// run by run-fuzzer.sh; the corpus (room-corpus/, made by make_seed_corpus.py) is
// replayed by ctest (fuzz_corpus.room_attach_fuzzer).
//
// An input is laid out as (missing bytes are zeros):
//
//   flags      1 byte    bit 0: 0 the queue, 1 the exchange;
//                        bit 1: raw, the rest is sent after the greeting as it is;
//                        bits 2-3: ATTACH's object: 0 the one connected to, 1 the other,
//                        2 a name from the input, 3 empty;
//                        bit 4: ATTACH's stream is the exchange's incarnation;
//                        bit 5: ATTACH's secret is not the one that goes with its stream
//                        (each stream's own is made from it: secret_for)
//   direction  1 byte    ATTACH's, as it is (1 publish, 2 subscribe)
//   stream     8 bytes   ATTACH's (big-endian)
//   sequence   8 bytes   ATTACH's
//   history    4 bytes   ATTACH's
//   [length    1 byte, name  length bytes]   with object 2 only
//   frames     the rest  sent after the ATTACH
//
// What must hold, checked against docs/wire-protocol.md §3 and against what this side
// published and sent (the first frame after the greeting decides, raw or not):
//  - the object sends its greeting, then only well-formed frames of the types its
//    direction sends (ATTACHED, then ACK to a publisher, MESSAGE to a subscriber; ERROR;
//    HEARTBEAT), and ERROR text is printable;
//  - an ATTACH for another name is refused with not_found, a wrong direction or a
//    publisher's zero stream, zero sequence, empty secret, sequence of 2^63 or more
//    (numbers must not wrap) or beyond where the queue's record of the stream ends with
//    bad_field_value, a known stream with another secret with not_stream_owner,
//    anything else first with
//    unexpected_frame or the body's error; a good one is answered by ATTACHED with the
//    object's incarnation (the same every time);
//  - a publisher: ATTACHED's sequence is the ATTACH's for a new stream, else where the
//    queue's record of it ends; ACKs rise, never past what was sent, and reach
//    it; the application receives exactly the MESSAGEs acknowledged, in order, once;
//  - a subscriber: ATTACHED's sequence is where §3 says (its own incarnation: the next it
//    wants, or the oldest kept if it names none; another one or none: the latest
//    `history`, since the fixture's exchange replays nothing to an earlier incarnation;
//    never outside what the history holds), and the MESSAGEs that follow are the
//    exchange's, in order, from there to the last one published;
//  - a frame a direction does not take (any but MESSAGE from a publisher, any from a
//    subscriber) or a header the decoder refuses gets ERROR and a close, and nothing
//    after the ERROR (the ACK for the messages before it comes first); a cut frame a
//    close once this side stops sending; otherwise the connection stays open;
//  - nothing takes longer than a few seconds, nothing crashes or trips an assertion.

#include "directory/directory_thread.hpp"
#include "directory/locator.hpp"
#include "fuzz/tcp_fuzzing.hpp"
#include "kernel/api_thread.hpp"
#include "kernel/dispatcher.hpp"
#include "kernel/io_thread.hpp"
#include "wire/body_writer.hpp"
#include "wire/control_frames.hpp"
#include "wire/error.hpp"
#include "wire/frame.hpp"
#include "wire/frame_decoder.hpp"
#include "util/random_id.hpp"
#include "wire/greeting.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace wire = imchat::wire;
using asio::ip::tcp;
using imchat::fuzz::broken;
using imchat::fuzz::expect;

constexpr std::string_view queue_name = "Q_fuzz";
constexpr std::string_view exchange_name = "E_fuzz";
constexpr std::size_t history_kept = 64;  // the exchange's history, in messages

// The secret a built ATTACH proves its stream with: a function of the identity, so that
// inputs resuming one stream agree (and never empty: the two halves cannot both be 0).
wire::stream_secret secret_for(std::uint64_t identity) { return {identity ^ 0x5ec2e75ec2e75ec2, ~identity}; }

std::string payload_of(std::uint64_t sequence) { return "m" + std::to_string(sequence); }

tcp::endpoint endpoint_of(const std::string& text) {
  const auto colon = text.rfind(':');
  return {asio::ip::make_address(text.substr(0, colon)),
          static_cast<std::uint16_t>(std::stoul(text.substr(colon + 1)))};
}

// Reads the fields of the layout above, zeros past the end.
class field_reader {
 public:
  explicit field_reader(std::span<const std::byte> input) : input_(input) {}
  std::uint64_t take(std::size_t bytes) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i) value = (value << 8) | (at_ < input_.size() ? byte(at_++) : 0);
    return value;
  }
  std::span<const std::byte> take_span(std::size_t bytes) {
    const auto n = std::min(bytes, input_.size() - std::min(at_, input_.size()));
    const auto out = input_.subspan(std::min(at_, input_.size()), n);
    at_ += n;
    return out;
  }
  std::span<const std::byte> rest() const { return input_.subspan(std::min(at_, input_.size())); }

 private:
  std::uint64_t byte(std::size_t i) const { return std::to_integer<std::uint64_t>(input_[i]); }
  std::span<const std::byte> input_;
  std::size_t at_ = 0;
};

// The room, made once for the whole run.
struct fixture {
  std::unique_ptr<imchat::directory::directory_thread> directory;
  std::unique_ptr<imchat::directory::locator> locator;
  std::unique_ptr<imchat::dispatcher> dispatcher;
  std::unique_ptr<imchat::io_thread> io;
  std::unique_ptr<imchat::api_thread> api;
  imchat::exchange_id exchange;
  tcp::endpoint queue_address, exchange_address;
  asio::io_context client_io;  // the fuzzing clients', run on this thread

  std::uint64_t published = 0;  // messages sent into E_fuzz, numbered 1..published
  std::optional<std::uint64_t> queue_incarnation, exchange_incarnation;
  struct known_stream {
    std::uint64_t next = 0;  // the number the queue expects next
    wire::stream_secret secret;
  };
  std::map<std::uint64_t, known_stream> publishers;  // by identity
  // Past 50,000 streams the queue may forget some, and which it cannot be told: from then
  // on built ATTACHes get fresh identities, and only bounds are checked.
  bool publishers_forgotten = false;

  const known_stream* known(std::uint64_t identity) const {
    const auto found = publishers.find(identity);
    return found == publishers.end() ? nullptr : &found->second;
  }

  fixture() {
    imchat::fuzz::log_into_nothing();
    imchat::directory::server_options directory_options;
    directory_options.listen = {tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    directory = std::make_unique<imchat::directory::directory_thread>(directory_options);
    locator = std::make_unique<imchat::directory::locator>("127.0.0.1:" +
                                                           std::to_string(directory->local_endpoints().at(0).port()));
    dispatcher = std::make_unique<imchat::dispatcher>(2);
    io = imchat::io_thread::create(*dispatcher);
    imchat::kernel_options options;
    options.history.max_messages = history_kept;
    // An input that never attaches is closed after this: short, for the fuzzer's pace.
    options.handshake_timeout = std::chrono::milliseconds(500);
    // A subscriber of another incarnation gets only the history it asked for: what a room
    // does once its exchange is older than restart_replay. The young exchange's replay is
    // left to the unit tests, since the run would cross from one to the other at a moment
    // this side cannot know.
    options.history.restart_replay = std::chrono::seconds(0);
    api = imchat::api_thread::create(*dispatcher, locator.get(), options);
    api->create_queue(queue_name, imchat::scope::global, "127.0.0.1:0", *io, {io.get()});
    exchange = api->create_exchange(exchange_name, imchat::scope::global, "127.0.0.1:0", *io, {io.get()});
    queue_address = endpoint_of(api->endpoints(queue_name).at(0));
    exchange_address = endpoint_of(api->endpoints(exchange_name).at(0));
  }

  void publish() {
    ++published;
    api->send(exchange, imchat::message(payload_of(published)));
  }
};

// Never destroyed: at exit its threads would log through spdlog's registry, which static
// destruction may already have taken down. Still reachable, so no leak to report.
fixture& the_fixture() {
  static auto* instance = new fixture;
  return *instance;
}

enum class ending {
  open,              // the connection stays open
  error_then_close,  // a frame the object refuses: ERROR, then close
  cut,               // a cut frame: this side stops sending, once all before was answered
  close,             // the peer's own ERROR, or nothing asked for: a close, maybe at once
};

// What the peer's stream after its greeting must lead to.
struct plan {
  bool to_exchange = false;
  std::optional<wire::attach_request> attach;  // accepted: ATTACHED follows
  std::vector<wire::bytes> messages;           // a publisher's MESSAGE bodies, before the end
  ending end = ending::open;
};

// Why the queue must refuse a well-formed publisher's ATTACH for `attach.object`, if it must.
std::optional<wire::error> publisher_refusal(const fixture& room, const wire::attach_request& attach) {
  if (attach.stream == 0 || attach.sequence == 0 || attach.sequence >= wire::max_publisher_sequence ||
      attach.secret.empty())
    return wire::error::bad_field_value;
  const auto* known = room.known(attach.stream);
  if (!known) return std::nullopt;
  if (!attach.secret.proves(known->secret)) return wire::error::not_stream_owner;
  if (attach.sequence > known->next) return wire::error::bad_field_value;
  return std::nullopt;
}

plan plan_for(const fixture& room, std::span<const std::byte> stream, bool to_exchange) {
  plan result;
  result.to_exchange = to_exchange;
  wire::frame_decoder decoder;
  bool attached = false;
  while (!stream.empty()) {
    std::error_code ec;
    stream = stream.subspan(decoder.put(stream, ec));
    if (ec == wire::error::need_more) {
      result.end = attached ? ending::cut : ending::close;
      return result;
    }
    if (ec) {
      result.end = ending::error_then_close;
      return result;
    }
    const auto frame = decoder.take();
    if (frame.type == wire::frame_type::heartbeat) continue;
    if (frame.type == wire::frame_type::error) {
      result.end = ending::close;
      return result;
    }
    if (!attached) {
      wire::attach_request attach;
      const bool good =
          frame.type == wire::frame_type::attach && !wire::decode(frame.body, attach) &&
          attach.object == (to_exchange ? exchange_name : queue_name) &&
          attach.direction == (to_exchange ? wire::attach_direction::subscribe : wire::attach_direction::publish) &&
          (to_exchange || !publisher_refusal(room, attach));
      if (!good) {
        result.end = ending::error_then_close;
        return result;
      }
      result.attach = attach;
      attached = true;
      continue;
    }
    if (!to_exchange && frame.type == wire::frame_type::message) {
      result.messages.push_back(frame.body);
      continue;
    }
    result.end = ending::error_then_close;
    return result;
  }
  // Nothing asked for: this side stops sending once it has sent everything, and the
  // object closes.
  if (!attached) result.end = ending::close;
  return result;
}

// The error an ATTACH that was refused must get, when the plan knows it.
std::optional<wire::error> refusal_for(const fixture& room, std::span<const std::byte> stream, bool to_exchange) {
  wire::frame_decoder decoder;
  while (!stream.empty()) {
    std::error_code ec;
    stream = stream.subspan(decoder.put(stream, ec));
    if (ec) return std::nullopt;  // cut, or the decoder's own error
    const auto frame = decoder.take();
    if (frame.type == wire::frame_type::heartbeat) continue;
    if (frame.type != wire::frame_type::attach) return wire::error::unexpected_frame;
    wire::attach_request attach;
    if (const auto bad = wire::decode(frame.body, attach)) return static_cast<wire::error>(bad.value());
    if (attach.object != (to_exchange ? exchange_name : queue_name)) return wire::error::not_found;
    if (!to_exchange && attach.direction == wire::attach_direction::publish)
      if (const auto why = publisher_refusal(room, attach)) return why;
    return wire::error::bad_field_value;
  }
  return std::nullopt;
}

class kernel_client final : public imchat::fuzz::frame_client {
 public:
  kernel_client(asio::io_context& io, fixture& room, plan expected, std::optional<wire::error> refusal)
      : frame_client(io, wire::role::kernel_object), room_(room), plan_(std::move(expected)), refusal_(refusal) {}

  std::uint64_t first() const { return first_; }   // ATTACHED's sequence
  std::uint64_t acked() const { return acked_; }   // the last ACK's next
  bool attached() const { return attached_; }

 private:
  void on_sent() override {
    sent_ = true;
    maybe_end();
  }

  // Done when every expectation of an open stream is met; a cut stream is closed by this
  // side once they are, and must then be closed by the object.
  bool satisfied() const {
    if (!plan_.attach) return true;
    if (!attached_) return false;
    if (plan_.to_exchange) return next_message_ == room_.published + 1;
    return acked_ == first_ + plan_.messages.size();
  }
  void maybe_end() {
    if (!sent_ || !satisfied()) return;
    if (plan_.end == ending::open) return finish();
    if (plan_.end == ending::cut && !half_closed_) {
      half_closed_ = true;
      half_close();
    }
  }

  void on_frame(const wire::frame& frame) override {
    const std::string type(wire::frame_type_name(frame.type));
    if (frame.type == wire::frame_type::error) {
      wire::error_frame error;
      expect(!wire::decode(frame.body, error), "a malformed ERROR");
      imchat::fuzz::expect_printable(error.message, "an ERROR's message");
      expect(plan_.end != ending::open, "ERROR on a good stream: " + error.message);
      if (!attached_ && refusal_)
        expect(error.code == static_cast<std::uint16_t>(*refusal_),
               "ATTACH refused with " + std::to_string(error.code) + ", expected " +
                   std::to_string(static_cast<unsigned>(*refusal_)) + ": " + error.message);
      got_error_ = true;
      return;
    }
    if (!attached_) {
      expect(frame.type == wire::frame_type::attached, "the object's first frame is " + type);
      expect(plan_.attach.has_value(), "ATTACHED for an ATTACH that must be refused");
      wire::attached_reply reply;
      expect(!wire::decode(frame.body, reply), "a malformed ATTACHED");
      check_attached(reply);
      attached_ = true;
      return maybe_end();
    }
    if (plan_.to_exchange) {
      expect(frame.type == wire::frame_type::message, "a subscriber got " + type);
      expect(next_message_ <= room_.published, "a MESSAGE past the last one published");
      expect(wire::as_text(frame.body) == payload_of(next_message_),
             "MESSAGE " + std::to_string(next_message_) + " is '" + std::string(wire::as_text(frame.body)) + "'");
      ++next_message_;
    } else {
      expect(frame.type == wire::frame_type::ack, "a publisher got " + type);
      wire::ack_frame ack;
      expect(!wire::decode(frame.body, ack), "a malformed ACK");
      expect(ack.next > acked_, "an ACK that does not rise: " + std::to_string(ack.next) + " after " +
                                    std::to_string(acked_));
      expect(ack.next - first_ <= plan_.messages.size(), "an ACK past what was sent");
      acked_ = ack.next;
    }
    maybe_end();
  }

  void check_attached(const wire::attached_reply& reply) {
    auto& incarnation = plan_.to_exchange ? room_.exchange_incarnation : room_.queue_incarnation;
    if (!incarnation) incarnation = reply.stream;
    expect(reply.stream == *incarnation, "ATTACHED with another incarnation");
    const auto& attach = *plan_.attach;
    first_ = reply.sequence;
    acked_ = reply.sequence;
    if (plan_.to_exchange) {
      // §3, on the history this side published into.
      const std::uint64_t next = room_.published + 1;
      const std::uint64_t oldest = next - std::min<std::uint64_t>(room_.published, history_kept);
      std::uint64_t start = next;
      if (attach.stream == *incarnation && attach.sequence != 0) start = attach.sequence;
      else if (attach.stream == *incarnation) start = oldest;
      else start = next - std::min<std::uint64_t>(attach.history, room_.published);
      start = std::clamp(start, oldest, next);
      expect(reply.sequence == start, "a subscriber starts at " + std::to_string(reply.sequence) + ", not " +
                                          std::to_string(start));
      next_message_ = start;
      return;
    }
    expect(reply.sequence >= attach.sequence, "ATTACHED below the publisher's sequence");
    if (!room_.publishers_forgotten) {
      const auto* known = room_.known(attach.stream);
      const auto want = known ? known->next : attach.sequence;
      expect(reply.sequence == want, "ATTACHED at " + std::to_string(reply.sequence) + " for a publisher at " +
                                         std::to_string(want));
    }
  }

  void on_end() override {
    if (plan_.end == ending::open) broken("the object closed a good stream");
    if (plan_.end == ending::error_then_close && greeted()) expect(got_error_, "a refused frame got no ERROR");
    // A cut stream is closed only once this side stopped sending, having had its answers.
    if (plan_.end == ending::cut) expect(half_closed_, "the object closed a stream before its cut frame was cut");
  }

  fixture& room_;
  plan plan_;
  std::optional<wire::error> refusal_;
  bool sent_ = false;
  bool half_closed_ = false;
  bool attached_ = false;
  bool got_error_ = false;
  std::uint64_t first_ = 0;
  std::uint64_t acked_ = 0;
  std::uint64_t next_message_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& room = the_fixture();
  field_reader in(std::as_bytes(std::span(data, size)));
  const auto flags = in.take(1);
  const bool to_exchange = (flags & 1) != 0;
  const bool raw = (flags & 2) != 0;

  // The greeting, then the stream the input makes.
  const auto greeting = wire::encode_greeting(wire::role::kernel_peer);
  wire::bytes to_send(wire::greeting_size);
  std::copy(greeting.begin(), greeting.end(), to_send.begin());
  if (!raw) {
    wire::attach_request attach;
    const auto direction = in.take(1);
    attach.stream = in.take(8);
    attach.sequence = in.take(8);
    attach.history = static_cast<std::uint32_t>(in.take(4));
    switch ((flags >> 2) & 3) {
      case 0: attach.object = to_exchange ? exchange_name : queue_name; break;
      case 1: attach.object = to_exchange ? queue_name : exchange_name; break;
      case 2: attach.object = std::string(wire::as_text(in.take_span(in.take(1)))); break;
      default: break;
    }
    if ((flags & 16) != 0 && room.exchange_incarnation) attach.stream = *room.exchange_incarnation;
    if (room.publishers_forgotten) attach.stream = imchat::random_id();
    attach.secret = secret_for(attach.stream);
    if ((flags & 32) != 0) attach.secret.low ^= 1;
    // Any byte, not only the two directions: the encoder writes it as it is.
    attach.direction = static_cast<wire::attach_direction>(direction);
    wire::encode(to_send, attach);
  }
  const auto rest = in.rest();
  to_send.insert(to_send.end(), rest.begin(), rest.end());
  const auto stream = std::span<const std::byte>(to_send).subspan(wire::greeting_size);

  room.publish();
  const auto expected = plan_for(room, stream, to_exchange);
  const auto refusal = expected.attach ? std::nullopt : refusal_for(room, stream, to_exchange);

  // What the queue holds now was published by earlier inputs' streams, all received already.
  auto connection = std::make_shared<kernel_client>(room.client_io, room, expected, refusal);
  connection->start(to_exchange ? room.exchange_address : room.queue_address, std::move(to_send));
  std::vector<std::string> received;
  const auto receive = [&] {
    while (auto m = room.api->try_receive()) received.emplace_back(m->text());
  };
  imchat::fuzz::run_until(room.client_io, [&] { return connection->done(); }, "the connection ended", receive);

  if (!to_exchange && expected.attach) {
    // Exactly what was acknowledged, at least, and never more than was sent, in order.
    const auto acknowledged = connection->acked() - connection->first();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (received.size() < acknowledged) {
      expect(std::chrono::steady_clock::now() < deadline, "acknowledged messages never reached the queue");
      if (auto m = room.api->receive(std::chrono::milliseconds(10))) received.emplace_back(m->text());
    }
    receive();
    if (expected.end == ending::open) expect(received.size() == acknowledged, "the queue got messages not acknowledged");
    expect(received.size() <= expected.messages.size(), "the queue got more messages than were sent");
    for (std::size_t i = 0; i < received.size(); ++i)
      expect(received[i] == wire::as_text(expected.messages[i]), "the queue got another message than was sent");
    if (room.publishers.size() > 50'000) {
      room.publishers.clear();
      room.publishers_forgotten = true;
    }
    if (connection->attached())
      room.publishers[expected.attach->stream] = {connection->first() + received.size(), expected.attach->secret};
  } else {
    receive();
    expect(received.empty(), "the queue got messages nobody published");
  }
  return 0;
}
