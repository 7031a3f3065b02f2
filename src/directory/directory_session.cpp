#include "directory/directory_session.hpp"

#include "directory/directory_server.hpp"
#include "net/admission.hpp"
#include "util/printable_text.hpp"
#include "wire/directory_frames.hpp"
#include "wire/error.hpp"

#include <spdlog/spdlog.h>

namespace imchat::directory {

namespace {
// How many bytes of replies may wait for a client to read them before the directory stops
// reading its requests. A client that sends LIST after LIST and never reads would
// otherwise have the directory queue replies (each up to the whole directory) without
// end; paused, it only fills its own socket buffers. One request's reply may still be
// larger than this: it is sent whole, and the client paused until it has read it.
constexpr std::size_t max_unread_replies = 1024 * 1024;
// A listing's next RECORDS frame is made once less than this waits to be read.
constexpr std::size_t listing_low_water = 256 * 1024;
}  // namespace

directory_session::directory_session(directory_server& server, owner_id owner,
                                     std::shared_ptr<net::framed_connection> connection)
    : server_(server),
      owner_(owner),
      connection_(std::move(connection)),
      host_(net::host_key(connection_->peer_address())) {}

void directory_session::start() {
  // The session is kept alive by the server's table; the callbacks hold it weakly so that
  // the server's stop() really ends it.
  std::weak_ptr<directory_session> weak = shared_from_this();
  connection_->on_frame = [weak](wire::frame_view frame) {
    auto self = weak.lock();
    if (!self) return;
    self->on_frame(frame);
    self->apply_backpressure();
  };
  connection_->on_sent = [weak] {
    auto self = weak.lock();
    if (!self) return;
    self->continue_listing();
    self->apply_backpressure();
  };
  connection_->on_closed = [weak, &server = server_, owner = owner_,
                            peer = connection_->peer()](std::error_code reason,
                                                        const std::string& detail) {
    if (reason)
      spdlog::info("{}: disconnected: {}{}", peer, reason.message(),
                   detail.empty() ? "" : " (" + detail + ")");
    else
      spdlog::debug("{}: disconnected", peer);
    if (weak.lock()) server.on_session_closed(owner);
  };
  connection_->start();
}

void directory_session::close() { connection_->close(); }

void directory_session::apply_backpressure() {
  // Requests are answered in order: none is read while a listing is under way.
  if (listing_ || connection_->outbound_bytes() > max_unread_replies) connection_->pause_reading();
  else connection_->resume_reading();
}

void directory_session::continue_listing() {
  // The frame's fixed part: request id, the "last" flag, the record count.
  constexpr std::size_t fixed = 4 + 1 + 2;
  const auto max_body = server_.options_.limits.max_body_size;
  while (listing_ && !connection_->closed() && connection_->outbound_bytes() < listing_low_water) {
    auto page = server_.registry_.list_page(listing_->prefix, listing_->after, max_body - fixed, 0xFFFF);
    if (!page.records.empty()) listing_->after = page.records.back().name;
    const wire::records_reply reply{listing_->request, page.last, std::move(page.records)};
    connection_->send_with([&](wire::bytes& out) { wire::encode(out, reply); });
    if (reply.last) listing_.reset();
  }
}

namespace {

template <class Request>
bool decode_or_close(net::framed_connection& connection, wire::frame_view frame, Request& request) {
  if (const auto ec = wire::decode(frame.body, request)) {
    spdlog::warn("{}: malformed {} frame: {}", connection.peer(), wire::frame_type_name(frame.type),
                 ec.message());
    connection.close_with_error(ec, "malformed " + std::string(wire::frame_type_name(frame.type)) +
                                        " frame: " + ec.message());
    return false;
  }
  return true;
}

// How much of a name a client sent is quoted back or logged: a 60,000-byte name escaped
// would not fit a reply's text field, nor belong in a log line.
constexpr std::size_t quoted_name_size = 256;
// A reply's text is a u16-length string on the wire; ours stay well below that.
constexpr std::size_t max_reply_text = 2048;

// fmt, not std::string's +: GCC 12 at -O3 warns falsely about the latter here.
std::string quoted_name(std::string_view name) { return fmt::format("'{}'", printable_text(name, quoted_name_size)); }

void send_fail(net::framed_connection& connection, std::uint32_t request, std::error_code ec,
               std::string message) {
  if (message.empty()) message = ec.message();
  if (message.size() > max_reply_text) {
    message.resize(max_reply_text - 3);
    message.append("...");
  }
  connection.send_with([&](wire::bytes& out) {
    wire::encode(out, wire::fail_reply{request, static_cast<std::uint16_t>(ec.value()), message});
  });
}

}  // namespace

void directory_session::on_frame(wire::frame_view frame) {
  auto& connection = *connection_;
  auto& registry = server_.registry_;
  switch (frame.type) {
    case wire::frame_type::register_name: {
      wire::register_request request;
      if (!decode_or_close(connection, frame, request)) return;
      std::string detail;
      const auto ec = registry.add(
          owner_, wire::record{request.kind, request.name, request.endpoints, connection.peer()}, detail, host_);
      if (ec) {
        // The name is the client's bytes, possibly refused for holding control characters.
        spdlog::debug("{}: register {} refused: {}", connection.peer(), quoted_name(request.name),
                      detail.empty() ? ec.message() : detail);
        send_fail(connection, request.request, ec, detail);
        return;
      }
      // Per name at debug: a client registering thousands of names must not fill the log.
      spdlog::debug("{}: registered {} {}", connection.peer(), wire::object_kind_name(request.kind),
                    quoted_name(request.name));
      connection.send_with([&](wire::bytes& out) { wire::encode(out, wire::ok_reply{request.request}); });
      return;
    }
    case wire::frame_type::unregister_name: {
      wire::unregister_request request;
      if (!decode_or_close(connection, frame, request)) return;
      if (const auto ec = registry.remove(owner_, request.name)) {
        send_fail(connection, request.request, ec,
                  "this connection holds no name " + quoted_name(request.name));
        return;
      }
      spdlog::debug("{}: unregistered {}", connection.peer(), quoted_name(request.name));
      connection.send_with([&](wire::bytes& out) { wire::encode(out, wire::ok_reply{request.request}); });
      return;
    }
    case wire::frame_type::lookup: {
      wire::lookup_request request;
      if (!decode_or_close(connection, frame, request)) return;
      auto found = registry.find(request.name);
      if (!found) {
        send_fail(connection, request.request, wire::error::not_found,
                  "no global object named " + quoted_name(request.name));
        return;
      }
      connection.send_with([&](wire::bytes& out) {
        wire::encode(out, wire::record_reply{request.request, std::move(*found)});
      });
      return;
    }
    case wire::frame_type::list: {
      wire::list_request request;
      if (!decode_or_close(connection, frame, request)) return;
      listing_ = listing{request.request, std::move(request.prefix), std::nullopt};
      continue_listing();
      return;
    }
    default:
      spdlog::warn("{}: unexpected {} frame from a directory client", connection.peer(),
                   wire::frame_type_name(frame.type));
      connection.close_with_error(wire::error::unexpected_frame,
                                  "the directory does not accept " +
                                      std::string(wire::frame_type_name(frame.type)) + " frames");
  }
}

}  // namespace imchat::directory
