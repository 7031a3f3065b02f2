// libFuzzer target for the directory's sessions (directory_session, directory_server):
// one directory_server on 127.0.0.1, port 0, on an io_context made once; every input is
// one TCP connection to it that sends what the input says and reads every reply. Built
// and run by run-fuzzer.sh; the corpus (session-corpus/, made by make_seed_corpus.py) is
// replayed by ctest (fuzz_corpus.directory_session_fuzzer).
//
// An input is laid out as:
//
//   mode      1 byte    bit 0 clear: this side sends the client's greeting, then the rest;
//                       bit 0 set: the rest is sent as it is, greeting included
//   stream    the rest  bytes sent to the directory, all at once
//
// What must hold, checked against the input as frames (decoded here with the wire codec):
//  - the server sends its greeting, then only well-formed frames of the types a directory
//    sends (OK, FAIL, RECORD, RECORDS, ERROR, HEARTBEAT), whose text is printable;
//  - every well-formed request before the first frame it must refuse is answered, in
//    order, under its request id: REGISTER and UNREGISTER by OK or FAIL, LOOKUP by
//    RECORD (of the name asked for) or FAIL, LIST by RECORDS frames, the last marked;
//  - a stream of well-formed requests leaves the connection open: a LOOKUP sent after it
//    is answered too. The first frame refused (a malformed body, a frame a client does
//    not send, a header the decoder refuses) is answered by ERROR and a close; a stream
//    cut mid-frame by a close once this side stops sending; a client's ERROR (or a bad
//    greeting) by a close, maybe before the replies still owed;
//  - when the connection has closed, the server holds no session and no name;
//  - nothing takes longer than a few seconds, nothing crashes or trips an assertion.

#include "directory/directory_server.hpp"
#include "fuzz/tcp_fuzzing.hpp"
#include "wire/control_frames.hpp"
#include "wire/directory_frames.hpp"
#include "wire/error.hpp"
#include "wire/frame.hpp"
#include "wire/frame_decoder.hpp"
#include "wire/greeting.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace wire = imchat::wire;
using asio::ip::tcp;
using imchat::fuzz::broken;
using imchat::fuzz::expect;
using imchat::fuzz::expect_printable;

// The reply a request must get.
struct expected_reply {
  wire::frame_type request = wire::frame_type::lookup;
  std::uint32_t id = 0;
  std::string name;  // LOOKUP's, which a RECORD must carry
};

// How the input, read as frames by the client's rules, must end.
enum class ending {
  open,              // only well-formed requests: the connection stays open
  error_then_close,  // a frame the directory refuses: ERROR, then close
  cut,               // a cut frame: once all before it was answered this side stops
                     // sending, and the directory closes
  peer_error,        // the client's own ERROR: the directory closes, maybe at once,
                     // owing it nothing more
};

struct plan {
  std::deque<expected_reply> replies;
  ending end = ending::open;
};

template <class Request>
bool decodes(const wire::frame& frame, Request& request) {
  return !wire::decode(frame.body, request);
}

plan plan_for(std::span<const std::byte> stream) {
  plan result;
  wire::frame_decoder decoder;
  while (!stream.empty()) {
    std::error_code ec;
    stream = stream.subspan(decoder.put(stream, ec));
    if (ec == wire::error::need_more) {
      result.end = ending::cut;
      return result;
    }
    if (ec) {
      result.end = ending::error_then_close;
      return result;
    }
    const auto frame = decoder.take();
    switch (frame.type) {
      case wire::frame_type::heartbeat: continue;
      case wire::frame_type::error: result.end = ending::peer_error; return result;
      case wire::frame_type::register_name: {
        wire::register_request request;
        if (!decodes(frame, request)) break;
        result.replies.push_back({frame.type, request.request, {}});
        continue;
      }
      case wire::frame_type::unregister_name: {
        wire::unregister_request request;
        if (!decodes(frame, request)) break;
        result.replies.push_back({frame.type, request.request, {}});
        continue;
      }
      case wire::frame_type::lookup: {
        wire::lookup_request request;
        if (!decodes(frame, request)) break;
        result.replies.push_back({frame.type, request.request, request.name});
        continue;
      }
      case wire::frame_type::list: {
        wire::list_request request;
        if (!decodes(frame, request)) break;
        result.replies.push_back({frame.type, request.request, {}});
        continue;
      }
      default: break;  // a frame a directory client does not send
    }
    result.end = ending::error_then_close;
    return result;
  }
  return result;
}

// The directory, made once for the whole run.
struct fixture {
  asio::io_context io;
  std::unique_ptr<imchat::directory::directory_server> server;
  tcp::endpoint address;

  fixture() {
    imchat::fuzz::log_into_nothing();
    imchat::directory::server_options options;
    options.listen = {tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    options.handshake_timeout = std::chrono::milliseconds(2000);
    server = std::make_unique<imchat::directory::directory_server>(io, options);
    address = server->local_endpoints().at(0);
  }
};

fixture& the_fixture() {
  static fixture instance;
  return instance;
}

// Checks every reply against the plan as it comes.
class directory_client final : public imchat::fuzz::frame_client {
 public:
  directory_client(asio::io_context& io, plan expected)
      : frame_client(io, wire::role::directory_server), plan_(std::move(expected)) {}

 private:
  void on_sent() override {
    sent_ = true;
    if (plan_.end == ending::open) {
      // The connection must still be open: one more request, which must be answered.
      plan_.replies.push_back({wire::frame_type::lookup, sentinel_id, ""});
      sentinel_sent_ = true;
      wire::bytes sentinel;
      wire::encode(sentinel, wire::lookup_request{sentinel_id, ""});
      send(std::move(sentinel));
    }
    maybe_half_close();
  }

  // A cut frame only ends at a close: once every complete request was answered, this side
  // stops sending, and the server must close.
  void maybe_half_close() {
    if (sent_ && plan_.end == ending::cut && plan_.replies.empty() && !half_closed_) {
      half_closed_ = true;
      half_close();
    }
  }

  void on_frame(const wire::frame& frame) override {
    const std::string type(wire::frame_type_name(frame.type));
    if (frame.type == wire::frame_type::error) {
      wire::error_frame error;
      expect(!wire::decode(frame.body, error), "a malformed ERROR");
      expect_printable(error.message, "an ERROR's message");
      expect(plan_.replies.empty(), "ERROR while " + std::to_string(plan_.replies.size()) +
                                        " requests were unanswered: " + error.message);
      expect(plan_.end != ending::open, "ERROR for well-formed requests: " + error.message);
      got_error_ = true;
      return;
    }
    expect(!plan_.replies.empty(), "a " + type + " frame answers no request");
    const auto& want = plan_.replies.front();
    const std::string request(wire::frame_type_name(want.request));
    const auto answer = [&](std::uint32_t id) {
      expect(id == want.id, type + " for request " + std::to_string(id) + ", expected " + std::to_string(want.id));
    };
    bool finished = true;
    switch (frame.type) {
      case wire::frame_type::ok: {
        wire::ok_reply ok;
        expect(!wire::decode(frame.body, ok), "a malformed OK");
        expect(want.request == wire::frame_type::register_name || want.request == wire::frame_type::unregister_name,
               "OK answers " + request);
        answer(ok.request);
        break;
      }
      case wire::frame_type::fail: {
        wire::fail_reply fail;
        expect(!wire::decode(frame.body, fail), "a malformed FAIL");
        expect(want.request != wire::frame_type::list, "FAIL answers LIST");
        expect_printable(fail.message, "a FAIL's message");
        answer(fail.request);
        break;
      }
      case wire::frame_type::record: {
        wire::record_reply record;
        expect(!wire::decode(frame.body, record), "a malformed RECORD");
        expect(want.request == wire::frame_type::lookup, "RECORD answers " + request);
        expect(record.record.name == want.name, "RECORD of another name than the one looked up");
        answer(record.request);
        break;
      }
      case wire::frame_type::records: {
        wire::records_reply records;
        expect(!wire::decode(frame.body, records), "a malformed RECORDS");
        expect(want.request == wire::frame_type::list, "RECORDS answers " + request);
        answer(records.request);
        finished = records.last;
        break;
      }
      default: broken("the directory sent a " + type + " frame");
    }
    if (!finished) return;
    const bool sentinel = sentinel_sent_ && plan_.replies.size() == 1;
    plan_.replies.pop_front();
    if (sentinel) return finish();  // still open and answering: all is well
    maybe_half_close();
  }

  void on_end() override {
    expect(greeted() || plan_.end != ending::open, "the directory closed without a greeting");
    if (plan_.end != ending::peer_error)
      expect(plan_.replies.empty(), "the directory closed with " + std::to_string(plan_.replies.size()) +
                                        " requests unanswered");
    expect(plan_.end != ending::open, "the directory closed a connection that sent only well-formed requests");
    expect(got_error_ || plan_.end != ending::error_then_close || !greeted(), "a refused frame got no ERROR");
  }

  static constexpr std::uint32_t sentinel_id = 0xF022'F022;

  plan plan_;
  bool sent_ = false;
  bool sentinel_sent_ = false;
  bool half_closed_ = false;
  bool got_error_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& fixture = the_fixture();
  if (size == 0) return 0;
  const auto input = std::as_bytes(std::span(data, size));
  const bool raw = (std::to_integer<unsigned>(input[0]) & 1) != 0;
  const auto stream = input.subspan(1);

  wire::bytes to_send;
  if (!raw) {
    const auto greeting = wire::encode_greeting(wire::role::directory_client);
    to_send.assign(greeting.begin(), greeting.end());
  }
  to_send.insert(to_send.end(), stream.begin(), stream.end());

  // Raw input: the expectations start after a greeting that the server accepts; any
  // other greeting may only be answered by an ERROR and a close.
  plan expected;
  if (!raw) {
    expected = plan_for(stream);
  } else if (stream.size() >= wire::greeting_size) {
    wire::greeting parsed;
    const bool accepted = !wire::parse_greeting(stream.first<wire::greeting_size>(), wire::role::directory_client, parsed);
    if (accepted) expected = plan_for(stream.subspan(wire::greeting_size));
    else expected.end = ending::peer_error;
  } else {
    expected.end = ending::cut;  // the greeting itself is cut
  }

  auto connection = std::make_shared<directory_client>(fixture.io, std::move(expected));
  connection->start(fixture.address, std::move(to_send));
  imchat::fuzz::run_until(fixture.io, [&] { return connection->done(); }, "the connection ended");
  // Its session and its names are gone once it has closed.
  imchat::fuzz::run_until(
      fixture.io, [&] { return fixture.server->connection_count() == 0 && fixture.server->names().size() == 0; },
      "the directory freed the session and its names");
  return 0;
}
