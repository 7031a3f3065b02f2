#pragma once
// A remote exchange bound to a local queue (the display's wiring: we subscribe). It
// remembers the exchange's incarnation and the number of the next message it wants, so
// that after a reconnection the exchange resumes right there from its history. When the
// exchange could not (the history no longer holds them, or it restarted), the queue gets
// one gap notice saying how many messages were lost, or that an unknown number was.

#include "kernel/detail/queue.hpp"
#include "kernel/detail/queue_feeder.hpp"
#include "kernel/detail/remote_binding.hpp"
#include "kernel/options.hpp"

#include <chrono>
#include <optional>

namespace imchat::detail {

class subscribing_binding final : public remote_binding {
 public:
  // `joining`: what of the exchange's history to ask for on joining (its latest messages,
  // those since a time).
  subscribing_binding(boost::asio::io_context& io, directory::locator& directory, std::string remote,
                      std::shared_ptr<queue> into, const bind_options& joining, binding_options options);

  bool drained() const override { return true; }

 private:
  void fill_attach(wire::attach_request& request) override;
  std::error_code on_attached(const wire::attached_reply& reply) override;
  void on_stream_frame(wire::frame_view frame) override;
  void on_batch_end() override;
  void on_detached() override;
  static std::uint64_t since_field(std::optional<std::chrono::system_clock::time_point> since);

  std::shared_ptr<queue> into_;
  const std::uint32_t history_;
  const std::uint64_t since_;  // milliseconds since 1970, 0: not asked
  std::shared_ptr<queue_feeder> feeder_;
  std::uint64_t incarnation_ = 0;  // the exchange's, once attached
  std::uint64_t next_ = 0;         // the number of the next message the queue wants
};

}  // namespace imchat::detail
