#pragma once
// This process's end of a binding to a global object in another process. The base class
// owns the connection's life: it finds the object through the locator, connects, sends
// ATTACH and waits for ATTACHED; when the connection fails or drops it reconnects by
// itself with jittered backoff, looking the name up again first, so a room restarted
// elsewhere is found; except when the keys do not allow it (net::is_key_error), which no
// retry mends: then it stops and says so (binding_options::on_key_error). What flows once attached is the subclass's business:
// publishing_binding (a local exchange into a remote queue, the prompt's wiring) and
// subscribing_binding (a remote exchange into a local queue, the display's wiring).
// Lives on one I/O thread; start() and stop() may be called from any thread.

#include "net/dialer.hpp"
#include "net/framed_connection.hpp"
#include "wire/control_frames.hpp"
#include "wire/directory_frames.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

namespace imchat::directory {
class locator;
}  // namespace imchat::directory

namespace imchat::detail {

struct binding_options {
  wire::decoder_limits limits{};
  std::chrono::milliseconds reconnect_min{100};
  std::chrono::milliseconds reconnect_max{3000};
  std::chrono::milliseconds peer_timeout{5000};  // a silent object is taken for gone
  std::shared_ptr<net::tls_context> tls{};       // the object's key, if it has one
  // Called on the binding's I/O thread when the keys do not allow a connection (the
  // object, or the directory, needs a key, has another or has none): the binding has
  // stopped, since no retry can mend that.
  std::function<void(std::error_code, const std::string& why)> on_key_error{};
};

class remote_binding : public std::enable_shared_from_this<remote_binding> {
 public:
  virtual ~remote_binding() = default;
  remote_binding(const remote_binding&) = delete;
  remote_binding& operator=(const remote_binding&) = delete;

  // Starts connecting to `first` (the record bind() already looked up).
  void start(wire::record first);
  // Closes the connection and stops reconnecting.
  void stop();

  // On the binding's I/O thread: true when nothing sent through it is still on its way.
  virtual bool drained() const = 0;

 protected:
  remote_binding(boost::asio::io_context& io, directory::locator& directory, std::string remote,
                 wire::attach_direction direction, binding_options options);

  // The hooks, all called on the binding's I/O thread.
  virtual void on_start() {}
  virtual void on_stop() {}
  // What this side asks for: the stream, sequence and history fields of ATTACH.
  virtual void fill_attach(wire::attach_request& request) = 0;
  // The object accepted; an error closes the connection (and a reconnection follows).
  virtual std::error_code on_attached(const wire::attached_reply& reply) = 0;
  // A frame after ATTACHED, other than HEARTBEAT.
  virtual void on_stream_frame(wire::frame_view frame) = 0;
  // After the frames of one read.
  virtual void on_batch_end() {}
  // The attached connection is gone; a reconnection follows unless stopping.
  virtual void on_detached() {}

  bool attached() const noexcept { return attached_ && connection_ && !connection_->closed(); }
  net::framed_connection& connection() noexcept { return *connection_; }
  const std::shared_ptr<net::framed_connection>& connection_ptr() const noexcept { return connection_; }
  const std::string& remote() const noexcept { return remote_; }
  boost::asio::io_context& io() noexcept { return io_; }
  // Closes the connection for a protocol violation by the object.
  void refuse(std::error_code ec, const std::string& why);

 private:
  void look_up();
  void connect(const wire::record& record);
  void on_connected(std::shared_ptr<net::framed_connection> connection);
  void on_frame(wire::frame_view frame);
  void on_closed(std::error_code ec, const std::string& detail);
  void retry(const std::string& why);
  void give_up(std::error_code ec, const std::string& why);

  boost::asio::io_context& io_;
  directory::locator& directory_;
  const std::string remote_;
  const wire::attach_direction direction_;
  std::shared_ptr<net::dialer> dialer_;
  std::function<void(std::error_code, const std::string&)> on_key_error_;
  std::shared_ptr<net::framed_connection> connection_;
  bool attached_ = false;
  bool stopping_ = false;
  bool ever_attached_ = false;
};

}  // namespace imchat::detail
