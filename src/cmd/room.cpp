// imchat room: the tutorial's chatroom. A global queue Q_<room> takes what prompts send,
// each message gets the time it was processed in front of it, and the global exchange
// E_<room> hands it to every display. The room is the "message storing application" of
// the tutorial: what it accepts goes into its log on disk before it is acknowledged, and
// a room restarted on its log goes on where it was (src/store/room_log.hpp).

#include "chat/embedded_directory.hpp"
#include "chat/room_name.hpp"
#include "chat/room_relay.hpp"
#include "chat/room_status.hpp"
#include "chat/stop_signal.hpp"
#include "chat/waiting.hpp"
#include "cmd/byte_size.hpp"
#include "cmd/cli.hpp"
#include "cmd/command.hpp"
#include "cmd/directory_options.hpp"
#include "cmd/key_options.hpp"
#include "cmd/listener_options.hpp"
#include "cmd/room_log_options.hpp"
#include "directory/directory_address.hpp"
#include "directory/holder_text.hpp"
#include "directory/locator.hpp"
#include "kernel/api_thread.hpp"
#include "net/tls_error.hpp"
#include "store/room_log_reader.hpp"
#include "wire/error.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>
#include <vector>

namespace imchat::cmd {

using namespace std::chrono_literals;

namespace {

// The kernel's options from the command line; or what is wrong with one.
std::optional<std::string> kernel_options_from(const po::variables_map& vm, kernel_options& kernel) {
  kernel.history = {.max_messages = vm["history-size"].as<std::size_t>(),
                    .max_bytes = vm["history-bytes"].as<byte_size>().bytes};
  kernel.max_subscriber_backlog = vm["max-backlog"].as<byte_size>().bytes;
  kernel.peer_timeout = peer_timeout_from(vm);
  return listener_options_from(vm, kernel.admission, kernel.handshake_timeout);
}

// "room 'cheese' is already running: 'Q_cheese' is registered by ... at ...; ", for a room
// whose log another process has open, as the directory knows it (if it does).
std::string already_running(directory::locator& locator, const std::string& room) {
  auto said = fmt::format("room '{}' is already running: ", room);
  try {
    if (const auto holder = locator.lookup(chat::queue_name(room), 2s))
      said += fmt::format("{}; ", directory::holder_text(*holder));
  } catch (const std::system_error&) {
    // the directory does not know it: the log's lock says enough
  }
  return said;
}

}  // namespace

int room_main(std::span<const std::string> args) {
  cli_spec spec("room", "[OPTIONS] NAME [IN [OUT]]",
                "Run the chatroom NAME: prompts send to its global queue Q_NAME, listening on\n"
                "the interface spec IN; displays bind to its global exchange E_NAME on OUT.\n"
                "IN and OUT default to the loopback interface with ports the OS picks.\n"
                "Interface specs: eth0:5555, eth0, *:5555, *, 127.0.0.1:5555, [::1]:5555.");
  spec.options.add_options()
      ("io-threads", po::value<unsigned>()->default_value(1)->value_name("N"), "I/O threads (1-64)")
      ("embedded-directory", "serve the directory too, on the directory address's port, so that one "
                             "box needs no separate 'imchat server'")
      ("history-size", po::value<std::size_t>()->default_value(10'000)->value_name("N"),
       "messages kept for displays that reconnect or ask for history (0: none)")
      ("history-bytes", po::value<byte_size>()->default_value(byte_size{16 << 20})->value_name("BYTES"),
       "at most this much kept (K, M, G suffixes)")
      ("max-backlog", po::value<byte_size>()->default_value(byte_size{4 << 20})->value_name("BYTES"),
       "output waiting for one display before it is fed from the history as it reads instead of live")
      ("stop-timeout", po::value<double>()->default_value(5.0)->value_name("SECONDS"),
       "on SIGTERM or SIGINT, how long displays get to receive the last messages");
  spec.arguments.add_options()
      ("name", po::value<std::string>()->required(), "the room's name")
      ("in", po::value<std::string>()->default_value("127.0.0.1"), "interface spec for the room's queue")
      ("out", po::value<std::string>()->default_value("127.0.0.1"), "interface spec for the room's exchange");
  spec.positionals.add("name", 1).add("in", 1).add("out", 1);
  add_room_log_options(spec);
  add_listener_options(spec, kernel_options{}.admission, "the room's queue and its exchange each");
  add_chat_options(spec, "the directory");
  add_key_options(spec, "the room's", true);
  add_config_option(spec);
  add_common_options(spec);
  po::variables_map vm;
  if (auto status = parse_command_line(spec, args, vm)) return *status;

  const auto room = vm["name"].as<std::string>();
  if (auto problem = chat::room_name_problem(room)) return usage_error(spec, *problem);
  const unsigned io_threads = vm["io-threads"].as<unsigned>();
  if (io_threads < 1 || io_threads > 64) return usage_error(spec, "--io-threads must be 1-64");
  if (!(vm["stop-timeout"].as<double>() >= 0)) return usage_error(spec, "--stop-timeout must be 0 or more seconds");
  kernel_options kernel;
  if (auto bad = kernel_options_from(vm, kernel)) return usage_error(spec, *bad);
  room_log_settings log_settings;
  if (auto bad = room_log_settings_from(vm, room, log_settings)) return usage_error(spec, *bad);
  if (vm.count("embedded-directory") && directory::is_etcd_address(directory_address(vm)))
    return usage_error(spec, "--embedded-directory serves imchat's own directory; the directory here is an etcd "
                             "cluster");
  const auto keys = keys_from(vm);
  kernel.key = keys.own;

  chat::stop_signal stop;
  const auto waiting = wait_policy_from(vm, stop);
  const auto peer_timeout = peer_timeout_from(vm);

  //  The directory, served here too if asked.
  const auto directory_text = directory_address(vm);
  std::unique_ptr<directory::directory_thread> own_directory;
  try {
    if (vm.count("embedded-directory"))
      own_directory = chat::serve_directory(directory_text, peer_timeout, keys.directory);
  } catch (const std::system_error& e) {
    std::cerr << "imchat room: cannot serve the directory: " << e.what() << "\n";
    return exit_failure;
  }

  //  One application thread (this one) and the I/O threads.
  dispatcher dispatcher(1 + io_threads);
  directory::locator locator(directory_text, locator_options_from(vm, peer_timeout, keys));
  std::vector<std::unique_ptr<io_thread>> threads;
  std::vector<io_thread*> workers;
  for (unsigned i = 0; i < io_threads; ++i) workers.push_back(threads.emplace_back(io_thread::create(dispatcher)).get());
  auto& listener = *workers.front();
  auto api = api_thread::create(dispatcher, &locator, kernel);

  //  The wiring: a global queue in, a global exchange out, both carried on from the log
  //  (the streams it stored, its numbering and latest messages; displays further behind
  //  are sent the rest from the log itself). A room of that name
  //  that runs already holds the names, and the kernel says who has them and where.
  //  The log comes first: a room that cannot have its log does not open.
  exchange_id out;
  std::unique_ptr<store::room_log> log;
  try {
    if (!chat::wait_for_directory(locator, waiting)) return stop.requested() ? exit_ok : exit_failure;
    if (log_settings.directory)
      log = std::make_unique<store::room_log>(*log_settings.directory, room, log_settings.fsync, log_settings.keep);
    queue_options input;
    exchange_state output;
    if (log) {
      input = {.acknowledge_when_stored = true, .streams = log->streams()};
      output = {.incarnation = log->incarnation(),
                .next = log->next(),
                .recent = log->latest(kernel.history.max_messages, kernel.history.max_bytes),
                .archive = std::make_shared<store::room_log_reader>(log->path())};
    }
    api->create_queue(chat::queue_name(room), scope::global, vm["in"].as<std::string>(), listener, workers, input);
    out = api->create_exchange(chat::exchange_name(room), scope::global, vm["out"].as<std::string>(), listener,
                               workers, output);
  } catch (const store::log_error& e) {
    std::cerr << "imchat room: " << (e.in_use() ? already_running(locator, room) : "") << e.what() << "\n";
    return exit_failure;
  } catch (const std::system_error& e) {
    if (net::is_key_error(e.code())) rethrow_with_key_advice(e, locator, room);
    std::cerr << "imchat room: " << (e.code() == wire::error::name_in_use ? "room '" + room + "' is already running: " : "")
              << e.what() << "\n";
    return exit_failure;
  }
  const auto where = fmt::format("prompts send to {}, displays read from {}",
                                 fmt::join(api->endpoints(chat::queue_name(room)), ", "),
                                 fmt::join(api->endpoints(chat::exchange_name(room)), ", "));
  spdlog::info("room '{}' is open: {}; {}", room, where,
               log ? fmt::format("its log is {} ({} message{}, the next is number {})", log->path().string(),
                                 log->size(), log->size() == 1 ? "" : "s", log->next())
                   : std::string("memory only: no log"));
  chat::room_status status(where);

  //  The business logic: stamp each message with the time it was processed, and store
  //  it before it is acknowledged and relayed.
  chat::room_relay relay(*api, chat::queue_name(room), out, kernel.max_message_size, log.get());
  auto next_tick = std::chrono::steady_clock::now();
  std::vector<message> received;
  while (!stop.requested()) {
    if (!relay.may_take()) {
      std::this_thread::sleep_for(200ms);  // the log is failing: take nothing more in
    } else {
      //  Everything ready at once, as much as one batch holds: one lock and one wake-up.
      received.clear();
      api->receive_many(received, relay.room_to_take(), 200ms);
      for (const auto& in : received) relay.take(in);
    }
    relay.store();
    if (const auto now = std::chrono::steady_clock::now(); now >= next_tick) {
      relay.tick();
      next_tick = now + 1s;
    }
    status.alive(relay.relayed(), locator.lost_names());
  }

  //  Stopping: take nothing more in (prompts keep what the room has not acknowledged,
  //  for the next room of that name), relay what the room already accepted, and give the
  //  displays a bounded time to receive it.
  status.stopping();
  spdlog::info("room '{}' stopping (signal {}): relaying what it accepted", room, stop.signal_number());
  api->close_inputs();
  // What the log cannot take now stays unacknowledged: its prompts send it again.
  for (bool drained = false; !drained;) {
    drained = true;
    while (relay.may_take())
      if (auto in = api->try_receive()) {
        relay.take(*in);
        drained = false;
      } else {
        break;
      }
    if (!relay.store()) break;
  }
  const auto grace = std::chrono::milliseconds(static_cast<long>(vm["stop-timeout"].as<double>() * 1000));
  if (!api->drain_outputs(grace))
    spdlog::warn("room '{}': some displays had not received everything after {} s; closing anyway", room,
                 vm["stop-timeout"].as<double>());
  spdlog::info("room '{}' closed after relaying {} messages", room, relay.relayed());
  return exit_ok;
}

}  // namespace imchat::cmd
