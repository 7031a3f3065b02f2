#pragma once
// The application thread's handle on the kernel (the tutorial's api_thread_t): one per
// application thread, used only from that thread. Through it the thread creates
// exchanges and queues, binds them (locally or across the network), sends and receives.
//
//   imchat::dispatcher dispatcher(2);
//   imchat::directory::locator locator("localhost");
//   auto io = imchat::io_thread::create(dispatcher);
//   auto api = imchat::api_thread::create(dispatcher, &locator);
//   api->create_queue("Q_cheese", imchat::scope::global, "eth0:5555", *io, {io.get()});
//   auto eid = api->create_exchange("E_cheese", imchat::scope::global, "eth0:5556", *io, {io.get()});
//   imchat::message in = api->receive();
//   api->send(eid, imchat::message(in.text()));
//
// Errors are thrown as std::system_error, with a message naming what failed:
// wire::error::name_in_use (a name taken in its scope), not_found (bind to an unknown
// name), invalid_name, std::errc::invalid_argument (a bad interface spec or argument),
// and the OS's errors for a port in use or a permission refused. A binding whose keys do
// not allow a connection (net::is_key_error) stops for good: from then on send, flush and
// receive (once the messages already queued are taken) throw that error (failure()).

#include "kernel/detail/object_ref.hpp"
#include "kernel/dispatcher.hpp"
#include "kernel/io_thread.hpp"
#include "kernel/message.hpp"
#include "kernel/options.hpp"
#include "kernel/scope.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

namespace imchat {

namespace directory {
class locator;
}
namespace net {
class tls_context;
}
namespace detail {
class object_listener;
class publisher_registry;
class remote_binding;
class send_window;
struct receive_signal;
}  // namespace detail

struct exchange_id {
  std::size_t index = 0;
  bool operator==(const exchange_id&) const = default;
};

class api_thread {
 public:
  // `directory` may be null for a thread that uses no global objects.
  static std::unique_ptr<api_thread> create(dispatcher& d, directory::locator* directory = nullptr,
                                            kernel_options options = {});
  api_thread(dispatcher& d, directory::locator* directory, kernel_options options);
  // Leaves the directory, closes its global objects (listeners and the connections they
  // accepted, so that peers notice) and its bindings.
  ~api_thread();
  api_thread(const api_thread&) = delete;
  api_thread& operator=(const api_thread&) = delete;

  // A local or process exchange.
  exchange_id create_exchange(std::string_view name, scope visibility = scope::local);
  // A global exchange, listening on `interface` (an interface spec such as "eth0:5556")
  // on `listener`, its connections carried by `workers` round-robin (default: listener).
  exchange_id create_exchange(std::string_view name, scope visibility, std::string_view interface,
                              io_thread& listener, const std::vector<io_thread*>& workers = {});

  // A global exchange carried on from an earlier run of the program (a restarted room's
  // log): subscribers of that run resume where they were.
  exchange_id create_exchange(std::string_view name, scope visibility, std::string_view interface,
                              io_thread& listener, const std::vector<io_thread*>& workers,
                              const exchange_state& state);
  // The number the next data message sent to `id` will get (a global exchange's).
  std::uint64_t next_sequence(exchange_id id) const;

  void create_queue(std::string_view name, scope visibility = scope::local);
  void create_queue(std::string_view name, scope visibility, std::string_view interface,
                    io_thread& listener, const std::vector<io_thread*>& workers = {}, queue_options how = {});

  // For a global queue created with queue_options::acknowledge_when_stored: the streams
  // of the messages received from it since the last call, each with the number of the
  // next message (what to store with them, in the same transaction). Once they are
  // stored, acknowledge() them: only then do their publishers forget them.
  std::vector<stream_record> received_streams(std::string_view queue_name);
  void acknowledge(std::string_view queue_name, std::span<const stream_record> stored);

  // Binds an exchange to a queue, each found by name: this thread's local objects first,
  // then the process's, then the directory. A remote exchange is reached through
  // `exchange_thread`, a remote queue through `queue_thread`.
  void bind(std::string_view exchange_name, std::string_view queue_name,
            io_thread* exchange_thread = nullptr, io_thread* queue_thread = nullptr, bind_options options = {});

  // Sends to an exchange this thread created. Throws std::errc::message_size for a
  // message larger than the maximum frame size. Waits while a bound remote queue has a
  // full send window (it is slow, or unreachable: see kernel_options::send_window).
  void send(exchange_id id, const message& m);
  // The same, waiting at most `timeout`; false if the message could not be sent then.
  bool send(exchange_id id, const message& m, std::chrono::milliseconds timeout);

  // Waits until every message sent to a remote queue has been acknowledged by it (so that
  // a closing program loses nothing it sent), at most `timeout`. Returns false if some
  // are still unacknowledged then (e.g. the remote queue is unreachable).
  bool flush(std::chrono::milliseconds timeout);
  // How many messages sent to remote queues they have not acknowledged yet.
  std::size_t unacknowledged() const;

  // The next message from any of this thread's queues (round-robin between them).
  message receive();
  std::optional<message> receive(std::chrono::milliseconds timeout);
  std::optional<message> try_receive();
  // Everything ready at once, up to `max` messages, appended to `into`: one lock and at
  // most one wake-up for the lot. The queues are taken in turn, each for all it holds (up
  // to what is left of `max`), starting after the one the last call took from, so that
  // none waits behind a busy other; each queue's messages in their order. Waits at most
  // `timeout` for the first; returns how many it appended (0 on timeout). With `queues`,
  // appends there the queue each message came from: its index among this thread's
  // queues, in the order they were created.
  std::size_t receive_many(std::vector<message>& into, std::size_t max, std::chrono::milliseconds timeout,
                           std::vector<std::size_t>* queues = nullptr);

  // Why a binding of this thread gave up for good, if one did: the keys do not allow a
  // connection (the object needs a key, has another, or has none; or so does the
  // directory). The message names the object and where it was.
  std::optional<std::system_error> failure() const;

  // Switches on delivery of a notice type, off by default (message_type::gap,
  // disconnected, reconnected). Data is always delivered.
  void mask(message_type type);

  // Shutting down without losing what was accepted, in two steps. First: this thread's
  // global queues stop taking messages (they leave the directory, and their listeners
  // and publishers' connections close; publishers keep what was not acknowledged, for
  // whoever serves the name next). What the queues hold stays to be received.
  void close_inputs();
  // Then, once the last messages are sent: waits until this thread's global exchanges
  // have delivered everything to every subscriber's host (its TCP acknowledged it), at most
  // `timeout`. False if some output is still waiting then (a subscriber not reading).
  bool drain_outputs(std::chrono::milliseconds timeout);

  // The endpoints a global object of this thread advertises in the directory.
  std::vector<std::string> endpoints(std::string_view global_name) const;

 private:
  struct global_object {
    std::string name;
    std::shared_ptr<detail::object_listener> listener;
    io_thread* listening_thread = nullptr;
    std::vector<std::string> endpoints;
    std::shared_ptr<detail::exchange> source;  // an exchange's; null for a queue
    bool closed = false;
  };
  // A global queue that acknowledges what the application stored.
  struct stored_input {
    std::shared_ptr<detail::queue> queue;
    std::shared_ptr<detail::publisher_registry> publishers;
    std::unordered_map<std::uint64_t, std::uint64_t> received;  // stream -> next, since received_streams()
  };
  struct binding_entry {
    std::shared_ptr<detail::remote_binding> binding;
    io_thread* thread = nullptr;
    std::shared_ptr<detail::send_window> window;  // a publishing binding's: what is unacknowledged
  };

  void check_name(std::string_view name, scope visibility) const;
  void close_global(global_object& global);
  std::vector<std::string> open_global(std::string_view name, const detail::object_ref& target, std::string_view interface,
                                       io_thread& listener, const std::vector<io_thread*>& workers,
                                       std::shared_ptr<detail::publisher_registry> publishers = nullptr);
  stored_input& stored_input_named(std::string_view queue_name);
  std::optional<detail::object_ref> find_in_process(std::string_view name) const;
  std::optional<message> pop_locked(std::size_t* queue = nullptr);
  // What receive_many takes once the lock is held: returns how many it appended.
  std::size_t pop_many_locked(std::vector<message>& into, std::size_t max, std::vector<std::size_t>* queues);
  // Whether a message taken from `from` reaches the application (a notice only when
  // switched on), noting where each stored input's streams got to.
  bool accept_locked(const detail::queue& from, const message& m);
  directory::locator& require_directory(std::string_view why) const;
  void check_sendable(exchange_id id, const message& m) const;
  void throw_if_failed() const;

  dispatcher& dispatcher_;
  directory::locator* directory_;
  const kernel_options options_;
  const std::shared_ptr<net::tls_context> tls_;  // made from options_.key
  std::shared_ptr<detail::receive_signal> signal_;
  std::map<std::string, detail::object_ref, std::less<>> local_objects_;
  std::vector<std::shared_ptr<detail::exchange>> exchanges_;  // by exchange_id
  std::vector<std::shared_ptr<detail::queue>> queues_;        // receive() takes from these
  std::size_t next_queue_ = 0;
  std::uint8_t notices_enabled_ = 0;  // a bit per message_type, by its value
  std::vector<std::string> shared_names_;  // registered with the dispatcher
  std::vector<global_object> globals_;
  std::vector<stored_input> stored_inputs_;
  std::vector<binding_entry> bindings_;
};

}  // namespace imchat
