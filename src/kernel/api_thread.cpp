#include "kernel/api_thread.hpp"

#include "directory/holder_text.hpp"
#include "directory/locator.hpp"
#include "directory/registry.hpp"
#include "kernel/detail/object_listener.hpp"
#include "kernel/detail/publisher_registry.hpp"
#include "kernel/detail/publishing_binding.hpp"
#include "kernel/detail/subscribing_binding.hpp"
#include "net/endpoint.hpp"
#include "net/interface_spec.hpp"
#include "net/tls_context.hpp"
#include "wire/error.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>
#include <thread>

namespace imchat {

// The public API is made of the kernel's private components.
using detail::binding_options;
using detail::exchange;
using detail::object_listener;
using detail::object_ref;
using detail::publishing_binding;
using detail::queue;
using detail::receive_signal;
using detail::send_window;
using detail::subscribing_binding;

namespace {

// Runs `work` on an I/O thread and waits for it: application threads never touch sockets.
template <class Work>
auto run_on(io_thread& thread, Work&& work) {
  std::packaged_task<decltype(work())()> task(std::forward<Work>(work));
  auto result = task.get_future();
  boost::asio::post(thread.context(), [&task] { task(); });
  return result.get();
}

[[noreturn]] void invalid(const std::string& why) {
  throw std::system_error(std::make_error_code(std::errc::invalid_argument), why);
}

// "'Q_cheese' is registered by 127.0.0.1:40122 at 127.0.0.1:5555": who holds a global
// name, from its directory record (whose text comes from the network).
[[noreturn]] void throw_name_in_use(const wire::record& holder) {
  throw std::system_error(wire::error::name_in_use, directory::holder_text(holder));
}

}  // namespace

std::unique_ptr<api_thread> api_thread::create(dispatcher& d, directory::locator* directory, kernel_options options) {
  return std::make_unique<api_thread>(d, directory, options);
}

api_thread::api_thread(dispatcher& d, directory::locator* directory, kernel_options options)
    : dispatcher_(d),
      directory_(directory),
      options_(options),
      tls_(options_.key ? net::tls_context::create(*options_.key) : nullptr),
      signal_(std::make_shared<receive_signal>()) {
  dispatcher_.claim_thread("application thread");
  signal_->owner = std::this_thread::get_id();
}

api_thread::~api_thread() {
  for (auto& entry : bindings_) entry.binding->stop();
  for (auto& global : globals_) close_global(global);
  for (const auto& name : shared_names_) dispatcher_.remove_shared(name);
  dispatcher_.release_thread();
}

void api_thread::close_global(global_object& global) {
  if (global.closed) return;
  global.closed = true;
  try {
    directory_->unregister_object(global.name);
  } catch (const std::exception& e) {
    spdlog::warn("could not leave the directory cleanly for '{}': {}", global.name, e.what());
  }
  const auto closing = run_on(*global.listening_thread, [&] { return global.listener->close(); });
  // Until each connection has closed on its own thread, a publisher's last batch may
  // still be going into a queue that the caller is about to empty for the last time.
  object_listener::unsent_bytes(closing, std::chrono::steady_clock::now() + std::chrono::seconds(2));
}

void api_thread::close_inputs() {
  for (auto& global : globals_)
    if (!global.source) close_global(global);
}

bool api_thread::drain_outputs(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    bool drained = true;
    for (auto& global : globals_)
      if (global.source && !global.closed)
        drained = drained && global.source->pipes_empty() &&
                  object_listener::unsent_bytes(global.listener->connections(), deadline) == 0;
    if (drained) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

directory::locator& api_thread::require_directory(std::string_view why) const {
  if (!directory_) invalid(std::string(why) + " needs a locator: create the api_thread with one");
  return *directory_;
}

void api_thread::check_name(std::string_view name, scope visibility) const {
  if (!directory::is_valid_name(name, 1024))
    throw std::system_error(wire::error::invalid_name,
                            "invalid object name: 1-1024 bytes of UTF-8 without control characters");
  if (visibility == scope::local && local_objects_.contains(name))
    throw std::system_error(wire::error::name_in_use,
                            "this thread already has a local object named '" + std::string(name) + "'");
}

exchange_id api_thread::create_exchange(std::string_view name, scope visibility) {
  if (visibility == scope::global) invalid("global exchange '" + std::string(name) + "' needs an interface spec");
  check_name(name, visibility);
  auto created = std::make_shared<exchange>(std::string(name), visibility);
  if (visibility == scope::process) {
    dispatcher_.add_shared(std::string(name), created);
    shared_names_.emplace_back(name);
  } else {
    local_objects_.emplace(std::string(name), created);
  }
  exchanges_.push_back(std::move(created));
  return {exchanges_.size() - 1};
}

exchange_id api_thread::create_exchange(std::string_view name, scope visibility, std::string_view interface,
                                        io_thread& listener, const std::vector<io_thread*>& workers) {
  return create_exchange(name, visibility, interface, listener, workers, exchange_state{});
}

exchange_id api_thread::create_exchange(std::string_view name, scope visibility, std::string_view interface,
                                        io_thread& listener, const std::vector<io_thread*>& workers,
                                        const exchange_state& state) {
  if (visibility != scope::global) return create_exchange(name, visibility);
  check_name(name, visibility);
  auto created = std::make_shared<exchange>(std::string(name), visibility, options_.history, state);
  open_global(name, created, interface, listener, workers);
  exchanges_.push_back(std::move(created));
  return {exchanges_.size() - 1};
}

std::uint64_t api_thread::next_sequence(exchange_id id) const {
  if (id.index >= exchanges_.size()) invalid("next_sequence: no such exchange id");
  return exchanges_[id.index]->history().next();
}

void api_thread::create_queue(std::string_view name, scope visibility) {
  if (visibility == scope::global) invalid("global queue '" + std::string(name) + "' needs an interface spec");
  check_name(name, visibility);
  auto created = std::make_shared<queue>(std::string(name), visibility, signal_, options_.queue);
  if (visibility == scope::process) {
    dispatcher_.add_shared(std::string(name), created);
    shared_names_.emplace_back(name);
  } else {
    local_objects_.emplace(std::string(name), created);
  }
  queues_.push_back(std::move(created));
}

void api_thread::create_queue(std::string_view name, scope visibility, std::string_view interface,
                              io_thread& listener, const std::vector<io_thread*>& workers, queue_options how) {
  if (visibility != scope::global) return create_queue(name, visibility);
  check_name(name, visibility);
  auto created = std::make_shared<queue>(std::string(name), visibility, signal_, options_.queue);
  auto publishers = std::make_shared<detail::publisher_registry>(how);
  open_global(name, created, interface, listener, workers, publishers);
  if (how.acknowledge_when_stored) stored_inputs_.push_back({created, publishers, {}});
  queues_.push_back(std::move(created));
}

api_thread::stored_input& api_thread::stored_input_named(std::string_view queue_name) {
  for (auto& input : stored_inputs_)
    if (input.queue->name() == queue_name) return input;
  invalid("'" + std::string(queue_name) + "' is not a global queue of this thread that acknowledges what is stored");
}

std::vector<stream_record> api_thread::received_streams(std::string_view queue_name) {
  auto& input = stored_input_named(queue_name);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> streams(input.received.begin(), input.received.end());
  input.received.clear();
  return input.publishers->records(streams);
}

void api_thread::acknowledge(std::string_view queue_name, std::span<const stream_record> stored) {
  stored_input_named(queue_name).publishers->acknowledge(stored);
}

std::vector<std::string> api_thread::open_global(std::string_view name, const object_ref& target,
                                                 std::string_view interface, io_thread& listener,
                                                 const std::vector<io_thread*>& workers,
                                                 std::shared_ptr<detail::publisher_registry> publishers) {
  auto& directory = require_directory("global object '" + std::string(name) + "'");
  net::interface_spec spec;
  net::resolved_interface resolved;
  std::string why;
  if (net::parse_interface_spec(interface, spec, why) || net::resolve_interface_spec(spec, resolved, why))
    invalid(why);

  // Claimed in the process, then checked in the directory, before anything listens: a
  // name already taken costs no port, and is refused as taken (naming its holder) rather
  // than as a port in use when the holder listens on the very ports given here.
  const std::string owned_name(name);
  dispatcher_.add_shared(owned_name, target);
  try {
    if (const auto holder = directory.lookup(name)) throw_name_in_use(*holder);
  } catch (...) {
    dispatcher_.remove_shared(owned_name);
    throw;
  }

  std::vector<boost::asio::io_context*> contexts;
  for (auto* worker : workers) contexts.push_back(&worker->context());
  auto opened = std::make_shared<object_listener>(
      listener.context(), contexts, std::string(name), target,
      detail::listener_options{.limits = {options_.max_message_size},
                               .handshake_timeout = options_.handshake_timeout,
                               .peer_timeout = options_.peer_timeout,
                               .max_subscriber_backlog = options_.max_subscriber_backlog,
                               .admission = options_.admission,
                               .tls = tls_,
                               .publishers = std::move(publishers)});
  std::vector<boost::asio::ip::tcp::endpoint> bind_to = resolved.bind_endpoints;
  for (auto& endpoint : bind_to) endpoint.port(spec.port);
  std::uint16_t port = 0;
  try {
    port = run_on(listener, [&] { return opened->listen(bind_to, spec.text); });
  } catch (...) {
    dispatcher_.remove_shared(owned_name);
    throw;
  }

  std::vector<std::string> endpoints;
  for (const auto& address : resolved.advertised_addresses) endpoints.push_back(net::format_endpoint(address, port));

  const auto kind = std::holds_alternative<std::shared_ptr<queue>>(target) ? wire::object_kind::queue
                                                                           : wire::object_kind::exchange;
  try {
    directory.register_object(kind, name, endpoints);
  } catch (...) {
    dispatcher_.remove_shared(owned_name);
    run_on(listener, [&] { return opened->close(); });
    throw;
  }
  shared_names_.push_back(owned_name);
  const auto* as_exchange = std::get_if<std::shared_ptr<exchange>>(&target);
  globals_.push_back({owned_name, std::move(opened), &listener, endpoints, as_exchange ? *as_exchange : nullptr});
  return endpoints;
}

std::optional<detail::object_ref> api_thread::find_in_process(std::string_view name) const {
  if (const auto local = local_objects_.find(name); local != local_objects_.end()) return local->second;
  if (auto shared = dispatcher_.find_shared(name)) return *shared;
  return std::nullopt;
}

void api_thread::bind(std::string_view exchange_name, std::string_view queue_name, io_thread* exchange_thread,
                      io_thread* queue_thread, bind_options how) {
  const auto found_exchange = find_in_process(exchange_name);
  const auto found_queue = find_in_process(queue_name);
  if (found_exchange && !std::holds_alternative<std::shared_ptr<exchange>>(*found_exchange))
    invalid("bind: '" + std::string(exchange_name) + "' is a queue, not an exchange");
  if (found_queue && !std::holds_alternative<std::shared_ptr<queue>>(*found_queue))
    invalid("bind: '" + std::string(queue_name) + "' is an exchange, not a queue");

  if (found_exchange && found_queue) {
    std::get<std::shared_ptr<exchange>>(*found_exchange)->bind(std::get<std::shared_ptr<queue>>(*found_queue));
    return;
  }
  if (!found_exchange && !found_queue)
    throw std::system_error(wire::error::not_found,
                            "bind: neither '" + std::string(exchange_name) + "' nor '" + std::string(queue_name) +
                                "' is in this thread or this process; one end of a binding must be");

  const std::string remote(found_exchange ? queue_name : exchange_name);
  // Without a directory there is nowhere else to look: the name is unknown, just as when
  // the directory does not have it (another thread's local object, say).
  if (!directory_)
    throw std::system_error(wire::error::not_found, "bind: no object named '" + remote +
                                                        "' in this thread or this process (and no locator "
                                                        "to look in the directory)");
  auto& directory = *directory_;
  auto record = directory.lookup(remote);
  if (!record)
    throw std::system_error(wire::error::not_found, "bind: no object named '" + remote + "' in this thread, "
                                                    "this process or the directory at " + directory.directory());
  const binding_options options{
      .limits = {options_.max_message_size},
      .peer_timeout = options_.peer_timeout,
      .tls = tls_,
      .on_key_error = [weak = std::weak_ptr(signal_)](std::error_code ec, const std::string& why) {
        auto signal = weak.lock();
        if (!signal) return;
        {
          std::lock_guard lock(signal->mutex);
          if (!signal->failure) signal->failure = std::system_error(ec, why);
        }
        signal->arrived.notify_all();
        signal->room.notify_all();
      }};
  if (found_exchange) {
    if (record->kind != wire::object_kind::queue) invalid("bind: '" + remote + "' is an exchange, not a queue");
    if (!queue_thread) invalid("bind: reaching the remote queue '" + remote + "' needs an I/O thread");
    auto window = std::make_shared<send_window>(options_.send_window);
    auto pipe = std::get<std::shared_ptr<exchange>>(*found_exchange)->add_pipe(queue_thread->context(), window);
    auto binding = std::make_shared<publishing_binding>(queue_thread->context(), directory, remote,
                                                        std::move(pipe), options);
    binding->start(std::move(*record));
    bindings_.push_back({std::move(binding), queue_thread, std::move(window)});
  } else {
    if (record->kind != wire::object_kind::exchange) invalid("bind: '" + remote + "' is a queue, not an exchange");
    if (!exchange_thread) invalid("bind: reaching the remote exchange '" + remote + "' needs an I/O thread");
    auto binding = std::make_shared<subscribing_binding>(exchange_thread->context(), directory, remote,
                                                         std::get<std::shared_ptr<queue>>(*found_queue),
                                                         how, options);
    binding->start(std::move(*record));
    bindings_.push_back({std::move(binding), exchange_thread, nullptr});
  }
}

void api_thread::check_sendable(exchange_id id, const message& m) const {
  if (id.index >= exchanges_.size()) invalid("send: no such exchange id");
  if (m.size() > options_.max_message_size)
    throw std::system_error(std::make_error_code(std::errc::message_size),
                            "message of " + std::to_string(m.size()) + " bytes exceeds the maximum of " +
                                std::to_string(options_.max_message_size));
}

std::optional<std::system_error> api_thread::failure() const {
  std::lock_guard lock(signal_->mutex);
  return signal_->failure;
}

void api_thread::throw_if_failed() const {
  if (auto failed = failure()) throw *failed;
}

void api_thread::send(exchange_id id, const message& m) {
  throw_if_failed();
  check_sendable(id, m);
  exchanges_[id.index]->send(m);
}

bool api_thread::send(exchange_id id, const message& m, std::chrono::milliseconds timeout) {
  throw_if_failed();
  check_sendable(id, m);
  return exchanges_[id.index]->send(m, std::chrono::steady_clock::now() + timeout);
}

std::size_t api_thread::unacknowledged() const {
  std::size_t total = 0;
  for (const auto& entry : bindings_)
    if (entry.window) total += entry.window->in_flight();
  return total;
}

bool api_thread::flush(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    throw_if_failed();
    bool all_drained = true;
    for (auto& entry : bindings_)
      all_drained = all_drained && run_on(*entry.thread, [&] { return entry.binding->drained(); });
    if (all_drained) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void api_thread::mask(message_type type) {
  if (type != message_type::data) notices_enabled_ |= static_cast<std::uint8_t>(1u << static_cast<unsigned>(type));
}

std::optional<message> api_thread::pop_locked(std::size_t* queue) {
  for (std::size_t tried = 0; tried < queues_.size(); ++tried) {
    if (queue) *queue = next_queue_;
    auto& from = *queues_[next_queue_];
    next_queue_ = (next_queue_ + 1) % queues_.size();
    while (auto m = from.pop_locked())
      if (accept_locked(from, *m)) return m;
  }
  return std::nullopt;
}

bool api_thread::accept_locked(const detail::queue& from, const message& m) {
  const auto bit = 1u << static_cast<unsigned>(m.type());
  if (m.type() != message_type::data && (notices_enabled_ & bit) == 0) return false;
  if (m.stream() != 0)
    for (auto& input : stored_inputs_)
      if (input.queue.get() == &from) input.received[m.stream()] = m.sequence() + 1;
  return true;
}

std::size_t api_thread::pop_many_locked(std::vector<message>& into, std::size_t max,
                                        std::vector<std::size_t>* queues) {
  std::size_t taken = 0;
  for (std::size_t tried = 0; tried < queues_.size() && taken < max; ++tried) {
    const auto index = next_queue_;
    next_queue_ = (next_queue_ + 1) % queues_.size();
    auto& from = *queues_[index];
    const auto start = into.size();
    from.pop_many_locked(into, max - taken);
    // The notices the application did not ask for go; the rest stay, in order.
    const auto kept = std::remove_if(into.begin() + static_cast<std::ptrdiff_t>(start), into.end(),
                                     [&](const message& m) { return !accept_locked(from, m); });
    into.erase(kept, into.end());
    taken += into.size() - start;
    if (queues) queues->resize(queues->size() + (into.size() - start), index);
  }
  return taken;
}

// What is queued comes first; then a binding's failure, if there is one.
message api_thread::receive() {
  std::unique_lock lock(signal_->mutex);
  std::optional<message> m;
  signal_->arrived.wait(lock, [&] { return (m = pop_locked()).has_value() || signal_->failure; });
  if (!m) throw *signal_->failure;
  return std::move(*m);
}

std::optional<message> api_thread::receive(std::chrono::milliseconds timeout) {
  std::unique_lock lock(signal_->mutex);
  std::optional<message> m;
  signal_->arrived.wait_for(lock, timeout, [&] { return (m = pop_locked()).has_value() || signal_->failure; });
  if (!m && signal_->failure) throw *signal_->failure;
  return m;
}

std::optional<message> api_thread::try_receive() {
  std::lock_guard lock(signal_->mutex);
  auto m = pop_locked();
  if (!m && signal_->failure) throw *signal_->failure;
  return m;
}

std::size_t api_thread::receive_many(std::vector<message>& into, std::size_t max, std::chrono::milliseconds timeout,
                                     std::vector<std::size_t>* queues) {
  if (max == 0) return 0;
  std::unique_lock lock(signal_->mutex);
  std::size_t taken = 0;
  signal_->arrived.wait_for(lock, timeout,
                            [&] { return (taken = pop_many_locked(into, max, queues)) > 0 || signal_->failure; });
  if (taken == 0 && signal_->failure) throw *signal_->failure;
  return taken;
}

std::vector<std::string> api_thread::endpoints(std::string_view global_name) const {
  for (const auto& global : globals_)
    if (global.name == global_name) return global.endpoints;
  return {};
}

}  // namespace imchat
