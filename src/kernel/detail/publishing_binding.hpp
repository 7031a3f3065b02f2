#pragma once
// A local exchange bound to a remote queue (the prompt's wiring: we publish). Every data
// message the exchange sends here is numbered and kept in a resend_buffer until the queue
// acknowledges it. ATTACH tells the queue who we are and the oldest number we still hold;
// ATTACHED says where the queue wants us to start, so after a reconnection we resend
// exactly what it has not accepted, and the queue drops nothing twice and misses nothing
// (docs/kernel.md, "Delivery guarantees"). Acknowledgements give room back in the send
// window, which holds the sending thread to the queue's pace.

#include "kernel/detail/fanout_pipe.hpp"
#include "kernel/detail/message_sink.hpp"
#include "kernel/detail/remote_binding.hpp"
#include "kernel/detail/resend_buffer.hpp"

namespace imchat::detail {

class publishing_binding final : public remote_binding, public message_sink {
 public:
  publishing_binding(boost::asio::io_context& io, directory::locator& directory, std::string remote,
                     std::shared_ptr<fanout_pipe> source, binding_options options);

  void deliver(std::span<const message> batch, encoded_batch& encoded) override;
  // Nothing waiting in the pipe, and everything acknowledged.
  bool drained() const override;
  // Messages sent here that the queue has not acknowledged yet.
  std::size_t unacknowledged() const noexcept { return unacknowledged_.held().size(); }

 private:
  void on_start() override;
  void on_stop() override;
  void fill_attach(wire::attach_request& request) override;
  std::error_code on_attached(const wire::attached_reply& reply) override;
  void on_stream_frame(wire::frame_view frame) override;
  bool acknowledge(std::uint64_t next);
  void write(auto first, auto last);

  // Weak: the pipe holds this binding as a sink, and the exchange that owns the pipe
  // outlives neither.
  std::weak_ptr<fanout_pipe> source_;
  resend_buffer unacknowledged_;
  const std::uint64_t identity_;
  const wire::stream_secret secret_;  // proves to the queue that the stream is ours
  bool reattaching_ = false;  // attached before: what is held now is sent again
};

}  // namespace imchat::detail
