// kernel_peer: a small program on the kernel API, as the tutorial writes its programs,
// for black-box tests that need several processes around one directory.
//
//   kernel_peer DIRECTORY host QUEUE EXCHANGE [IN [OUT]]
//       Creates the global queue QUEUE (listening on the interface spec IN) and the
//       global exchange EXCHANGE (on OUT), both 127.0.0.1 by default, prints
//       "ready QUEUE-ENDPOINTS EXCHANGE-ENDPOINTS" and relays every message from the
//       queue to the exchange unchanged, until SIGTERM.
//   kernel_peer DIRECTORY publish QUEUE COUNT TAG [INTERVAL_MS]
//       Binds a local exchange to the global queue QUEUE, sends "TAG 1" ... "TAG COUNT"
//       (INTERVAL_MS apart; SIGTERM stops sending early), flushes and exits.
//   kernel_peer DIRECTORY subscribe EXCHANGE
//       Binds a local queue to the global exchange EXCHANGE and prints every message on
//       a line of its own ("<gap>" for a gap notice), until SIGTERM.
//
// Exit status: 0 done, 1 failed (the reason on stderr as "kernel_peer: CODE: MESSAGE",
// CODE being the wire error's name, such as name_in_use), 2 bad arguments.

#include "chat/stop_signal.hpp"
#include "directory/locator.hpp"
#include "kernel/api_thread.hpp"
#include "util/logging.hpp"
#include "wire/error.hpp"

#include <charconv>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

std::optional<unsigned long> number(const std::string& text) {
  unsigned long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : ",") + part;
  return text;
}

// The pieces every mode has: one application thread (this one) and one I/O thread.
struct kernel {
  explicit kernel(const std::string& directory_address)
      : directory(directory_address), io(imchat::io_thread::create(dispatcher)),
        api(imchat::api_thread::create(dispatcher, &directory)) {}

  imchat::dispatcher dispatcher{2};
  imchat::directory::locator directory;
  std::unique_ptr<imchat::io_thread> io;
  std::unique_ptr<imchat::api_thread> api;
};

int host(kernel& k, const imchat::chat::stop_signal& stop, const std::string& queue, const std::string& exchange,
         const std::string& in, const std::string& out) {
  k.api->create_queue(queue, imchat::scope::global, in, *k.io);
  const auto relay = k.api->create_exchange(exchange, imchat::scope::global, out, *k.io);
  std::cout << "ready " << joined(k.api->endpoints(queue)) << " " << joined(k.api->endpoints(exchange))
            << std::endl;
  while (!stop.requested())
    if (auto m = k.api->receive(100ms)) k.api->send(relay, *m);
  return 0;
}

int publish(kernel& k, const imchat::chat::stop_signal& stop, const std::string& queue, unsigned long count,
            const std::string& tag, std::chrono::milliseconds interval) {
  const auto out = k.api->create_exchange("E");
  k.api->bind("E", queue, nullptr, k.io.get());
  for (unsigned long i = 1; i <= count && !stop.requested(); ++i) {
    k.api->send(out, imchat::message(tag + " " + std::to_string(i)));
    if (interval.count() > 0) std::this_thread::sleep_for(interval);
  }
  if (!k.api->flush(10s)) {
    std::cerr << "kernel_peer: could not deliver everything within 10 s\n";
    return exit_failed;
  }
  return 0;
}

int subscribe(kernel& k, const imchat::chat::stop_signal& stop, const std::string& exchange) {
  k.api->mask(imchat::message_type::gap);
  k.api->create_queue("Q");
  k.api->bind(exchange, "Q", k.io.get(), nullptr);
  while (!stop.requested()) {
    const auto m = k.api->receive(100ms);
    if (!m) continue;
    std::cout << (m->type() == imchat::message_type::gap ? std::string("<gap>") : std::string(m->text()))
              << std::endl;
  }
  return 0;
}

int usage(const std::string& why) {
  std::cerr << "kernel_peer: " << why << "\n"
            << "usage: kernel_peer DIRECTORY host QUEUE EXCHANGE [IN [OUT]]\n"
            << "       kernel_peer DIRECTORY publish QUEUE COUNT TAG [INTERVAL_MS]\n"
            << "       kernel_peer DIRECTORY subscribe EXCHANGE\n";
  return exit_usage;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 3) return usage("missing arguments");
  const auto& mode = args[1];
  // Logs go to stderr, so that stdout carries only what the tests read.
  imchat::setup_logging(spdlog::level::warn);
  // Before any other thread: they must all inherit its blocked signals.
  imchat::chat::stop_signal stop;
  try {
    if (mode == "host" && args.size() >= 4 && args.size() <= 6) {
      kernel k(args[0]);
      return host(k, stop, args[2], args[3], args.size() > 4 ? args[4] : "127.0.0.1",
                  args.size() > 5 ? args[5] : "127.0.0.1");
    }
    if (mode == "publish" && (args.size() == 5 || args.size() == 6)) {
      const auto count = number(args[3]);
      const auto interval = args.size() == 6 ? number(args[5]) : 0UL;
      if (!count || !interval) return usage("COUNT and INTERVAL_MS must be numbers");
      kernel k(args[0]);
      return publish(k, stop, args[2], *count, args[4], std::chrono::milliseconds(*interval));
    }
    if (mode == "subscribe" && args.size() == 3) {
      kernel k(args[0]);
      return subscribe(k, stop, args[2]);
    }
  } catch (const std::system_error& e) {
    const auto name = e.code().category() == imchat::wire::wire_category()
                          ? std::string(imchat::wire::error_name(static_cast<std::uint16_t>(e.code().value())))
                          : e.code().message();
    std::cerr << "kernel_peer: " << name << ": " << e.what() << std::endl;
    return exit_failed;
  }
  return usage("unknown mode or wrong number of arguments");
}
