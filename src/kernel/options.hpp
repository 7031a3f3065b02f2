#pragma once
// What a program can tune in the kernel: the bounds of queues, send windows and
// histories, and the options of api_thread::create and api_thread::bind. Part of the
// kernel's public API (docs/kernel.md); every field has a default that suits a chat.

#include "kernel/archive.hpp"
#include "kernel/message.hpp"
#include "net/admission.hpp"
#include "util/key_file.hpp"
#include "wire/control_frames.hpp"
#include "wire/frame.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace imchat {

// A queue's high-water mark: both bounds hold (docs/kernel.md says what happens at them).
struct queue_limits {
  std::size_t max_messages = 100'000;
  std::size_t max_bytes = 64 * 1024 * 1024;
};

// Sent to one remote queue and not yet acknowledged by it: a sender waits beyond this.
struct window_limits {
  std::size_t max_messages = 100'000;
  std::size_t max_bytes = 64 * 1024 * 1024;
};

// What a global exchange keeps of what it published, for subscribers that reconnect or
// ask for history.
struct history_limits {
  std::size_t max_messages = 10'000;  // 0 keeps nothing: numbers only
  std::size_t max_bytes = 8 * 1024 * 1024;
  // A subscriber that saw an earlier incarnation (the exchange's process restarted) is
  // sent everything this one published, so that it misses nothing said since the
  // restart: but only while this incarnation is younger than this. One that comes later
  // was away longer than any reconnection takes, and is told of a gap and given what it
  // asked for, as a new subscriber is: no stale or forged incarnation opens the history.
  std::chrono::milliseconds restart_replay{60'000};
};

struct kernel_options {
  queue_limits queue{};
  std::uint32_t max_message_size = wire::default_max_body_size;
  std::size_t max_subscriber_backlog = 4 * 1024 * 1024;  // bytes unsent to one subscriber
  // Sent to one remote queue and not yet acknowledged: a sender waits beyond this.
  window_limits send_window{};
  // What each global exchange keeps for subscribers that reconnect.
  history_limits history{};
  std::chrono::milliseconds peer_timeout{5000};  // a silent peer's connection is closed
  // A peer must greet and ATTACH within this, or it is closed.
  std::chrono::milliseconds handshake_timeout{5000};
  // What each global object's listener admits (a room's queue and exchange each have
  // their own): connections in all, per host (IPv4 address or IPv6 /64), and memory for
  // partly received frames. High enough for an office behind one NAT address.
  net::connection_limits admission{.max_connections = 16'384,
                                   .max_connections_per_host = 2'048,
                                   .max_partial_frame_bytes = 64 * 1024 * 1024};
  // The key of this thread's global objects and of the remote objects it binds to: with
  // one, every such connection is TLS 1.3 authenticated by it, and connections without
  // it are refused (docs/kernel.md, "Keys"). A binding whose keys do not match the
  // object's gives up: api_thread::failure() says why.
  std::optional<secret_key> key{};
};

// One remote publisher's stream into a global queue, as an application that stores what
// it receives keeps it: the publisher's identity, the secret that proves it, and the
// number of the next message expected (everything before it is stored).
struct stream_record {
  std::uint64_t stream = 0;
  wire::stream_secret secret{};
  std::uint64_t next = 1;
  bool operator==(const stream_record&) const = default;
};

// How a global queue acknowledges what its publishers send.
struct queue_options {
  // false: a message is acknowledged once it is queued (lost if the process dies before
  // the application handled it). true: only when the application says it has stored it
  // (api_thread::received_streams, then acknowledge), so a publisher keeps and resends
  // whatever a crash lost.
  bool acknowledge_when_stored = false;
  // The streams as the application stored them in an earlier run: a publisher that
  // resumes one is told where the record ends, so nothing it resends is taken twice.
  std::vector<stream_record> streams{};
};

// A global exchange carried on from an earlier run of the program (a room restarted on
// its log): the same incarnation, so that subscribers resume where they were; the
// numbering going on from `next`; and the latest messages it published, numbered, for
// subscribers that are behind; and the store of everything older, if the application
// keeps one (kernel/archive.hpp).
struct exchange_state {
  std::uint64_t incarnation = 0;  // 0: a new one, at random
  std::uint64_t next = 1;
  std::vector<message> recent{};
  std::shared_ptr<imchat::archive> archive{};
};

struct bind_options {
  // Binding a remote exchange: how many of its latest messages to receive on joining.
  std::uint32_t history = 0;
  // And those it published at this time or later (with `history` too: at most that many
  // of them). An exchange with no archive knows the times of its in-memory history only.
  std::optional<std::chrono::system_clock::time_point> since{};
};

}  // namespace imchat
