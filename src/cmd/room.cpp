// imchat room: the tutorial's chatroom. A global queue Q_<room> takes what prompts send,
// each message gets the time it was processed in front of it, and the global exchange
// E_<room> hands it to every display.

#include "chat/embedded_directory.hpp"
#include "chat/room_name.hpp"
#include "chat/room_status.hpp"
#include "chat/stamp.hpp"
#include "chat/stop_signal.hpp"
#include "chat/waiting.hpp"
#include "cmd/byte_size.hpp"
#include "cmd/cli.hpp"
#include "cmd/command.hpp"
#include "cmd/key_options.hpp"
#include "cmd/listener_options.hpp"
#include "directory/locator.hpp"
#include "kernel/api_thread.hpp"
#include "net/tls_error.hpp"
#include "wire/error.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

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
       "output waiting for one display before it is disconnected as too slow")
      ("stop-timeout", po::value<double>()->default_value(5.0)->value_name("SECONDS"),
       "on SIGTERM or SIGINT, how long displays get to receive the last messages");
  spec.arguments.add_options()
      ("name", po::value<std::string>()->required(), "the room's name")
      ("in", po::value<std::string>()->default_value("127.0.0.1"), "interface spec for the room's queue")
      ("out", po::value<std::string>()->default_value("127.0.0.1"), "interface spec for the room's exchange");
  spec.positionals.add("name", 1).add("in", 1).add("out", 1);
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
  directory::locator locator(directory_text, {.peer_timeout = peer_timeout, .key = keys.directory});
  std::vector<std::unique_ptr<io_thread>> threads;
  std::vector<io_thread*> workers;
  for (unsigned i = 0; i < io_threads; ++i) workers.push_back(threads.emplace_back(io_thread::create(dispatcher)).get());
  auto& listener = *workers.front();
  auto api = api_thread::create(dispatcher, &locator, kernel);

  //  The wiring: a global queue in, a global exchange out. A room of that name that runs
  //  already holds the names, and the kernel says who has them and where.
  exchange_id out;
  try {
    if (!chat::wait_for_directory(locator, waiting)) return stop.requested() ? exit_ok : exit_failure;
    api->create_queue(chat::queue_name(room), scope::global, vm["in"].as<std::string>(), listener, workers);
    out = api->create_exchange(chat::exchange_name(room), scope::global, vm["out"].as<std::string>(), listener, workers);
  } catch (const std::system_error& e) {
    if (net::is_key_error(e.code())) rethrow_with_key_advice(e, locator, room);
    std::cerr << "imchat room: " << (e.code() == wire::error::name_in_use ? "room '" + room + "' is already running: " : "")
              << e.what() << "\n";
    return exit_failure;
  }
  const auto where = fmt::format("prompts send to {}, displays read from {}",
                                 fmt::join(api->endpoints(chat::queue_name(room)), ", "),
                                 fmt::join(api->endpoints(chat::exchange_name(room)), ", "));
  spdlog::info("room '{}' is open: {}", room, where);
  chat::room_status status(where);

  //  The business logic: stamp each message with the time it was processed.
  std::uint64_t relayed = 0;
  const auto relay = [&](const message& in) {
    try {
      api->send(out, chat::stamped(in));
      ++relayed;
    } catch (const std::system_error& e) {
      spdlog::error("room '{}': message dropped: {}", room, e.what());
    }
  };
  while (!stop.requested()) {
    if (auto in = api->receive(200ms)) relay(*in);
    status.alive(relayed, locator.lost_names());
  }

  //  Stopping: take nothing more in (prompts keep what the room has not acknowledged,
  //  for the next room of that name), relay what the room already accepted, and give the
  //  displays a bounded time to receive it.
  status.stopping();
  spdlog::info("room '{}' stopping (signal {}): relaying what it accepted", room, stop.signal_number());
  api->close_inputs();
  while (auto in = api->try_receive()) relay(*in);
  const auto grace = std::chrono::milliseconds(static_cast<long>(vm["stop-timeout"].as<double>() * 1000));
  if (!api->drain_outputs(grace))
    spdlog::warn("room '{}': some displays had not received everything after {} s; closing anyway", room,
                 vm["stop-timeout"].as<double>());
  spdlog::info("room '{}' closed after relaying {} messages", room, relayed);
  return exit_ok;
}

}  // namespace imchat::cmd
