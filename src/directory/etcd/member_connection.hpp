#pragma once
// One HTTP/1.1 connection to one member of an etcd cluster, over TCP or TLS: what the
// etcd directory's requests travel on. Either a keep-alive connection carrying one
// request at a time (post), or one streamed reply read line by line (stream: a watch).
// It connects through net::dialer, bounds every step by a timeout (a member that
// vanished without a word is noticed), and bounds what it reads. It knows HTTP, not
// etcd: the bodies are etcd_codec's. Lives on one io_context; call it there only.

#include <utility>  // before Asio: GCC 12 with Boost 1.74 under C++20 needs it

#include "net/endpoint.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace imchat::net {
class dialer;
}

namespace imchat::directory::etcd {

struct connection_settings {
  std::shared_ptr<boost::asio::ssl::context> tls;  // null: plain HTTP
  // To connect (TCP and TLS), and for a request until its reply (or a stream's header).
  std::chrono::milliseconds timeout{5000};
  std::size_t max_reply = 64 << 20;  // a whole reply, or one line of a stream
};

class member_connection : public std::enable_shared_from_this<member_connection> {
 public:
  // A transport failure (cannot connect, timed out, TLS refused, cut) comes as `ec` with
  // `why`; a reply as its HTTP status and body, whatever the status.
  using reply_handler =
      std::function<void(std::error_code ec, const std::string& why, unsigned status, std::string body)>;
  using line_handler = std::function<void(std::string_view line)>;

  static std::shared_ptr<member_connection> create(boost::asio::io_context& io, net::host_and_port member,
                                                   connection_settings settings);
  member_connection(boost::asio::io_context& io, net::host_and_port member, connection_settings settings);
  ~member_connection();

  // POSTs `body` to `path` (with `token` as its Authorization, if any) and reads the
  // whole reply, connecting first if need be. One request at a time.
  void post(std::string_view path, std::string body, const std::string& token, reply_handler done);
  // POSTs, then hands each line of the reply to `on_line` as it comes, until the member
  // ends the reply, the connection fails or close() is called: then `done`, once (a
  // status other than 200 comes there with its body, and no lines).
  void stream(std::string_view path, std::string body, const std::string& token, line_handler on_line,
              reply_handler done);

  // Ends what is in flight (its handler gets operation_canceled) and the connection.
  void close();

  const net::host_and_port& member() const noexcept { return member_; }

 private:
  struct exchange;  // one request and its reply

  void connect(std::shared_ptr<exchange> current);
  void handshake(std::shared_ptr<exchange> current);
  void send(std::shared_ptr<exchange> current);
  void read_reply(std::shared_ptr<exchange> current);
  void read_stream(std::shared_ptr<exchange> current);
  void read_stream_body(std::shared_ptr<exchange> current);
  void fail(const std::shared_ptr<exchange>& current, std::error_code ec, std::string why);
  void finish(const std::shared_ptr<exchange>& current, std::error_code ec, const std::string& why, unsigned status,
              std::string body);
  void arm_timer(const std::shared_ptr<exchange>& current);
  void drop_connection();
  template <class Operation>
  void on_stream(Operation&& operation);

  const net::host_and_port member_;
  const connection_settings settings_;
  std::shared_ptr<net::dialer> dialer_;
  boost::asio::ip::tcp::socket socket_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  bool connected_ = false;
  boost::beast::flat_buffer buffer_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<exchange> current_;
};

}  // namespace imchat::directory::etcd
