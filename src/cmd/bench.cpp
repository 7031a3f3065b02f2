// imchat bench: measures a room as nats bench and redis-benchmark measure theirs. Senders
// publish to the room's queue as prompts do, displays subscribe to its exchange as
// displays do, and every message carries its sender, sequence number and send time, so
// that throughput, latency and any loss come from the messages themselves.

#include "bench/bench_report.hpp"
#include "bench/bench_run.hpp"
#include "bench/room_host.hpp"
#include "chat/room_name.hpp"
#include "chat/stop_signal.hpp"
#include "chat/waiting.hpp"
#include "cmd/cli.hpp"
#include "cmd/command.hpp"
#include "cmd/directory_options.hpp"
#include "cmd/key_options.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <iostream>
#include <optional>

namespace imchat::cmd {

using namespace std::chrono_literals;

int bench_main(std::span<const std::string> args) {
  cli_spec spec("bench", "[OPTIONS] [ROOM]",
                "Measure a chatroom: SENDERS send COUNT messages in all to the room, each of\n"
                "DISPLAYS displays checks that it gets every one exactly once, in order, and\n"
                "times it. Without --rate the senders go as fast as they can (throughput);\n"
                "with --rate they keep to a fixed schedule and latency is measured from each\n"
                "message's intended send time (open loop). Prints a progress line on stderr\n"
                "every second, then a table (or, with --json, one JSON object) on stdout.\n"
                "Without ROOM, or with --host-room, it starts a room of its own (the real\n"
                "'imchat room', with a directory of its own) and measures its memory too;\n"
                "with ROOM it uses the running room found through the directory.\n"
                "Exit status 1 when any message was lost, duplicated or reordered, or a\n"
                "display lost its connection; 0 when every display got every message.");
  spec.options.add_options()
      ("host-room", "start a room of its own (the default without ROOM)")
      ("senders", po::value<unsigned>()->default_value(1)->value_name("N"), "sending threads (1-1000)")
      ("displays", po::value<unsigned>()->default_value(1)->value_name("N"),
       "displays, each its own connection to the room (1-65000)")
      ("display-threads", po::value<unsigned>()->default_value(4)->value_name("N"),
       "threads the displays are spread over (1-1000)")
      ("io-threads", po::value<unsigned>()->default_value(1)->value_name("N"), "I/O threads (1-64)")
      ("size", po::value<std::size_t>()->default_value(64)->value_name("BYTES"),
       "bytes per message as sent, 48 at least (the room adds its timestamp)")
      ("count", po::value<std::uint64_t>()->default_value(100'000)->value_name("N"),
       "messages to send in all, split between the senders")
      ("rate", po::value<double>()->value_name("MSGS_PER_S"),
       "send at this total rate on a fixed schedule (latency mode)")
      ("duration", po::value<double>()->value_name("SECONDS"), "with --rate: send for SECONDS (sets --count)")
      ("display-queue", po::value<std::size_t>()->default_value(100'000)->value_name("N"),
       "each display's queue bound, in messages")
      ("window", po::value<std::uint64_t>()->default_value(0)->value_name("N"),
       "at most N messages sent and not yet taken by the displays (0: no limit)")
      ("drain-timeout", po::value<double>()->default_value(5.0)->value_name("SECONDS"),
       "once everything is sent, end the run when nothing arrives for SECONDS")
      ("room-pid", po::value<int>()->value_name("PID"), "report the memory of the room process PID")
      ("json", "print the result as one JSON object");
  spec.arguments.add_options()
      ("room", po::value<std::string>(), "the room to measure");
  spec.positionals.add("room", 1);
  add_timeout_option(spec, "the room");
  add_directory_option(spec);
  add_key_options(spec, "the room's (a room it starts gets it too)", true);
  add_common_options(spec);
  po::variables_map vm;
  if (auto status = parse_command_line(spec, args, vm)) return *status;

  //  The directory it may host logs every registration: noise in a benchmark's output.
  if (vm["log-level"].defaulted()) spdlog::set_level(spdlog::level::warn);

  bench::bench_config config;
  config.room = vm.count("room") ? vm["room"].as<std::string>() : "bench-" + std::to_string(::getpid());
  if (auto problem = chat::room_name_problem(config.room)) return usage_error(spec, *problem);
  config.senders = vm["senders"].as<unsigned>();
  config.displays = vm["displays"].as<unsigned>();
  config.display_threads = vm["display-threads"].as<unsigned>();
  config.io_threads = vm["io-threads"].as<unsigned>();
  config.size = vm["size"].as<std::size_t>();
  config.count = vm["count"].as<std::uint64_t>();
  config.display_queue = vm["display-queue"].as<std::size_t>();
  config.window = vm["window"].as<std::uint64_t>();
  config.drain_timeout = std::chrono::milliseconds(static_cast<long>(vm["drain-timeout"].as<double>() * 1000));
  if (config.senders < 1 || config.senders > 1000) return usage_error(spec, "--senders must be 1-1000");
  if (config.displays < 1 || config.displays > 65000) return usage_error(spec, "--displays must be 1-65000");
  if (config.display_threads < 1 || config.display_threads > 1000)
    return usage_error(spec, "--display-threads must be 1-1000");
  if (config.io_threads < 1 || config.io_threads > 64) return usage_error(spec, "--io-threads must be 1-64");
  if (config.size < bench::max_payload_header || config.size > 1'000'000)
    return usage_error(spec, "--size must be 48-1000000 bytes");
  if (config.display_queue < 1) return usage_error(spec, "--display-queue must be 1 or more");
  if (!(vm["drain-timeout"].as<double>() > 0)) return usage_error(spec, "--drain-timeout must be more than 0");
  if (vm.count("rate")) {
    config.rate = vm["rate"].as<double>();
    if (!(config.rate > 0)) return usage_error(spec, "--rate must be more than 0 messages per second");
  }
  if (vm.count("duration")) {
    if (!vm.count("rate")) return usage_error(spec, "--duration needs --rate");
    const double seconds = vm["duration"].as<double>();
    if (!(seconds > 0)) return usage_error(spec, "--duration must be more than 0 seconds");
    config.count = static_cast<std::uint64_t>(config.rate * seconds);
  }
  if (config.count < config.senders) return usage_error(spec, "--count must be at least --senders");
  if (vm.count("room-pid")) config.room_pid = vm["room-pid"].as<int>();

  chat::stop_signal stop;
  try {
    const auto keys = keys_from(vm);
    config.key = keys.own;
    config.directory_key = keys.directory;
    if (vm.count("key-file")) config.key_file = vm["key-file"].as<std::string>();
    std::optional<bench::room_host> hosted;
    if (vm.count("host-room") || !vm.count("room")) {
      // Its own directory has the room's key.
      config.directory_key = keys.own;
      hosted.emplace(config.room, 10s, config.key_file, keys.own);
      config.directory = hosted->directory();
      config.room_pid = hosted->pid();
    } else {
      config.directory = directory_address(vm);
      directory::locator directory(config.directory, {.key = config.directory_key});
      if (!chat::wait_for_name(directory, chat::exchange_name(config.room), "the room '" + config.room + "'",
                               wait_policy_from(vm, stop)))
        return stop.requested() ? exit_ok : exit_failure;
    }
    const auto progress = [](const bench::progress_snapshot& now) { bench::print_progress(std::cerr, now); };
    const auto result = bench::run_bench(config, stop, progress);
    if (vm.count("json")) bench::print_json(std::cout, config, result);
    else bench::print_table(std::cout, config, result);
    return result.clean() ? exit_ok : exit_failure;
  } catch (const std::exception& e) {
    std::cerr << "imchat bench: " << e.what() << "\n";
    return exit_failure;
  }
}

}  // namespace imchat::cmd
