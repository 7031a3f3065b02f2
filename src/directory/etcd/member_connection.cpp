#include "directory/etcd/member_connection.hpp"

#include "directory/etcd/etcd_error.hpp"
#include "net/dialer.hpp"

#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>

#include <array>
#include <optional>

namespace imchat::directory::etcd {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

struct member_connection::exchange {
  http::request<http::string_body> request;
  reply_handler done;
  line_handler on_line;  // set for a stream
  std::optional<http::response_parser<http::string_body>> reply;
  std::optional<http::response_parser<http::buffer_body>> streamed;
  std::array<char, 16 * 1024> chunk{};
  std::string line;        // a stream's line so far
  std::string error_body;  // a stream refused: its body
  bool reused = false;     // sent on a connection an earlier exchange used
  bool resent = false;
  bool timed_out = false;
  bool finished = false;
};

std::shared_ptr<member_connection> member_connection::create(asio::io_context& io, net::host_and_port member,
                                                             connection_settings settings) {
  return std::make_shared<member_connection>(io, std::move(member), std::move(settings));
}

member_connection::member_connection(asio::io_context& io, net::host_and_port member, connection_settings settings)
    : member_(std::move(member)),
      settings_(std::move(settings)),
      dialer_(net::dialer::create(io, {.peer_timeout = settings_.timeout})),
      socket_(io),
      timer_(io) {}

member_connection::~member_connection() = default;

template <class Operation>
void member_connection::on_stream(Operation&& operation) {
  if (tls_)
    operation(*tls_);
  else
    operation(socket_);
}

void member_connection::post(std::string_view path, std::string body, const std::string& token, reply_handler done) {
  stream(path, std::move(body), token, nullptr, std::move(done));
}

void member_connection::stream(std::string_view path, std::string body, const std::string& token, line_handler on_line,
                               reply_handler done) {
  auto current = std::make_shared<exchange>();
  auto& request = current->request;
  request.method(http::verb::post);
  request.target(boost::beast::string_view(path.data(), path.size()));
  request.version(11);
  request.set(http::field::host, net::format_endpoint(member_));
  request.set(http::field::content_type, "application/json");
  if (!token.empty()) request.set(http::field::authorization, token);
  request.keep_alive(true);
  request.body() = std::move(body);
  request.prepare_payload();
  current->done = std::move(done);
  current->on_line = std::move(on_line);
  if (current_) return finish(current, std::make_error_code(std::errc::operation_in_progress), "busy", 0, {});
  current_ = current;
  current->reused = connected_;
  if (connected_)
    send(current);
  else
    connect(current);
}

void member_connection::close() {
  dialer_->cancel();
  if (auto current = current_) finish(current, std::make_error_code(std::errc::operation_canceled), "closed", 0, {});
  drop_connection();
}

void member_connection::connect(std::shared_ptr<exchange> current) {
  dialer_->dial_socket({member_}, [self = shared_from_this(), current](std::error_code ec, const std::string& why,
                                                                       tcp::socket socket) {
    if (current->finished) return;
    if (ec) return self->fail(current, ec, why);
    self->socket_ = std::move(socket);
    if (self->settings_.tls) return self->handshake(current);
    self->connected_ = true;
    self->send(current);
  });
}

void member_connection::handshake(std::shared_ptr<exchange> current) {
  tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *settings_.tls);
  // The name the member's certificate must carry: its host name (sent as SNI too) or
  // its address.
  // (SSL_set_tlsext_host_name, without the macro's C cast.)
  if (!net::is_ip_literal(member_.host))
    SSL_ctrl(tls_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(member_.host.c_str()));
  tls_->set_verify_callback(asio::ssl::host_name_verification(member_.host));
  arm_timer(current);
  tls_->async_handshake(asio::ssl::stream_base::client, [self = shared_from_this(), current](boost::system::error_code ec) {
    if (current->finished) return;
    if (ec) {
      const auto reason = ec.category() == asio::error::get_ssl_category()
                              ? ERR_GET_REASON(static_cast<unsigned long>(ec.value()))
                              : 0;
      if (reason == SSL_R_CERTIFICATE_VERIFY_FAILED)
        return self->fail(current, error::certificate_refused,
                          fmt::format("TLS: {}", X509_verify_cert_error_string(
                                                     SSL_get_verify_result(self->tls_->native_handle()))));
      // etcd closes a connection it cannot make sense of without a word: one that does
      // not speak TLS ends the handshake so.
      if (ec == asio::ssl::error::stream_truncated || ec == asio::error::connection_reset || ec == asio::error::eof)
        return self->fail(current, ec, "TLS handshake: the member closed the connection (does it speak TLS?)");
      return self->fail(current, ec, "TLS handshake: " + ec.message());
    }
    self->connected_ = true;
    self->send(current);
  });
}

void member_connection::send(std::shared_ptr<exchange> current) {
  arm_timer(current);
  on_stream([&](auto& stream) {
    http::async_write(stream, current->request,
                      [self = shared_from_this(), current](boost::system::error_code ec, std::size_t) {
                        if (current->finished) return;
                        if (ec) return self->fail(current, ec, "sending: " + ec.message());
                        if (current->on_line)
                          self->read_stream(current);
                        else
                          self->read_reply(current);
                      });
  });
}

void member_connection::read_reply(std::shared_ptr<exchange> current) {
  current->reply.emplace();
  current->reply->body_limit(settings_.max_reply);
  on_stream([&](auto& stream) {
    http::async_read(stream, buffer_, *current->reply,
                     [self = shared_from_this(), current](boost::system::error_code ec, std::size_t) {
                       if (current->finished) return;
                       if (ec == http::error::body_limit)
                         return self->fail(current, error::reply_too_large,
                                           fmt::format("a reply over {} bytes", self->settings_.max_reply));
                       if ((ec == http::error::end_of_stream || ec == asio::error::connection_reset) && !self->tls_)
                         return self->fail(current, ec,
                                           "the member closed the connection without a reply (does it speak only "
                                           "TLS? then give --etcd-ca)");
                       if (ec) return self->fail(current, ec, "reading the reply: " + ec.message());
                       auto message = current->reply->release();
                       if (!message.keep_alive()) self->drop_connection();
                       self->finish(current, {}, {}, message.result_int(), std::move(message.body()));
                     });
  });
}

void member_connection::read_stream(std::shared_ptr<exchange> current) {
  current->streamed.emplace();
  current->streamed->body_limit(boost::none);  // a watch lasts as long as it lasts
  on_stream([&](auto& stream) {
    http::async_read_header(stream, buffer_, *current->streamed,
                            [self = shared_from_this(), current](boost::system::error_code ec, std::size_t) {
                              if (current->finished) return;
                              if (ec) return self->fail(current, ec, "reading the reply: " + ec.message());
                              self->timer_.cancel();  // from here on a stream may be quiet for hours
                              self->read_stream_body(current);
                            });
  });
}

void member_connection::read_stream_body(std::shared_ptr<exchange> current) {
  auto& body = current->streamed->get().body();
  body.data = current->chunk.data();
  body.size = current->chunk.size();
  on_stream([&](auto& stream) {
    http::async_read_some(stream, buffer_, *current->streamed, [self = shared_from_this(), current](boost::system::error_code ec, std::size_t) {
      if (current->finished) return;
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return self->fail(current, ec, "the stream broke: " + ec.message());
      const auto status = current->streamed->get().result_int();
      const auto got = current->chunk.size() - current->streamed->get().body().size;
      const std::string_view data(current->chunk.data(), got);
      auto& kept = status == 200 ? current->line : current->error_body;
      if (kept.size() + data.size() > self->settings_.max_reply)
        return self->fail(current, error::reply_too_large,
                          fmt::format("a message over {} bytes in a stream", self->settings_.max_reply));
      kept.append(data);
      if (status == 200) {
        // Each complete line is one message; the last may still be on its way.
        std::size_t start = 0;
        for (auto end = kept.find('\n'); end != std::string::npos; end = kept.find('\n', start)) {
          const std::string line = kept.substr(start, end - start);
          start = end + 1;
          if (line.find_first_not_of(" \r") != std::string::npos) current->on_line(line);
          if (current->finished) return;  // closed from on_line
        }
        kept.erase(0, start);
      }
      if (current->streamed->is_done()) {
        self->drop_connection();  // a streamed reply's connection is not used again
        return self->finish(current, {}, {}, status, std::move(current->error_body));
      }
      self->read_stream_body(current);
    });
  });
}

void member_connection::fail(const std::shared_ptr<exchange>& current, std::error_code ec, std::string why) {
  drop_connection();
  if (current->timed_out) {
    ec = std::make_error_code(std::errc::timed_out);
    why = fmt::format("no answer within {} ms", settings_.timeout.count());
  } else if (current->reused && !current->resent && ec != error::reply_too_large) {
    // A kept-alive connection the member had closed meanwhile: once more, on a new one.
    current->resent = true;
    current->reply.reset();
    current->streamed.reset();
    return connect(current);
  }
  finish(current, ec, why, 0, {});
}

void member_connection::finish(const std::shared_ptr<exchange>& current, std::error_code ec, const std::string& why,
                               unsigned status, std::string body) {
  if (current->finished) return;
  current->finished = true;
  if (current_ == current) {
    current_.reset();
    timer_.cancel();
  }
  auto done = std::move(current->done);
  done(ec, why, status, std::move(body));
}

void member_connection::arm_timer(const std::shared_ptr<exchange>& current) {
  timer_.expires_after(settings_.timeout);
  timer_.async_wait([self = shared_from_this(), current](boost::system::error_code ec) {
    if (ec || current->finished || self->current_ != current) return;
    current->timed_out = true;
    self->drop_connection();  // the operation in flight fails, and fail() says why
  });
}

void member_connection::drop_connection() {
  connected_ = false;
  buffer_.clear();
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace imchat::directory::etcd
