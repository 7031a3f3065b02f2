// imchat server: the directory service (the tutorial's zmq_server). Rooms register their
// global queue and exchange here; prompts and displays look them up. With --list it is a
// client instead: it prints what a running directory holds, so users can see the rooms.

#include "cmd/cli.hpp"
#include "cmd/directory_options.hpp"
#include "cmd/listener_options.hpp"
#include "cmd/command.hpp"
#include "cmd/key_options.hpp"
#include "directory/directory_server.hpp"
#include "directory/listing.hpp"
#include "directory/directory_address.hpp"
#include "directory/locator.hpp"
#include "net/endpoint.hpp"
#include "net/interface_spec.hpp"
#include "net/listener.hpp"
#include "net/tls_error.hpp"
#include "util/systemd_notify.hpp"

#include <boost/asio/steady_timer.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include <cmath>
#include <csignal>
#include <functional>
#include <iostream>

namespace imchat::cmd {

namespace {

// Turns --listen and PORT into the endpoints to bind, or a usage error message.
std::optional<std::string> listen_endpoints(const po::variables_map& vm, std::uint16_t port,
                                            std::vector<boost::asio::ip::tcp::endpoint>& out) {
  if (!vm.count("listen")) {
    out = net::listen_everywhere(port);
    return std::nullopt;
  }
  net::interface_spec spec;
  net::resolved_interface resolved;
  std::string why;
  if (net::parse_interface_spec(vm["listen"].as<std::string>(), spec, why)) return why;
  if (spec.port != 0) {
    if (vm.count("port")) return "give the port either in --listen or as PORT, not both";
    port = spec.port;
  }
  if (net::resolve_interface_spec(spec, resolved, why)) return why;
  for (auto endpoint : resolved.bind_endpoints) {
    endpoint.port(port);
    out.push_back(endpoint);
  }
  return std::nullopt;
}

// The locator's explanation without the code's message, which system_error appends to it
// ("...: Connection refused: Connection timed out").
std::string explanation(const std::system_error& e) {
  std::string text = e.what();
  const auto code_message = ": " + e.code().message();
  if (text.size() > code_message.size() && text.ends_with(code_message))
    text.resize(text.size() - code_message.size());
  return text;
}

// Asks the directory at `address` for every name and prints the table.
int print_listing(const std::string& address, std::chrono::milliseconds timeout, directory::locator_options options) {
  options.timeout = timeout;
  directory::locator client(address, options);
  std::vector<wire::record> records;
  try {
    records = client.list("", timeout);
  } catch (const std::system_error& e) {
    if (e.code() == std::errc::timed_out)
      std::cerr << "imchat server: no answer within "
                << fmt::format("{:g}", std::chrono::duration<double>(timeout).count()) << " s: " << explanation(e)
                << "\n";
    else if (net::is_key_error(e.code()))
      std::cerr << "imchat server: "
                << key_failure_text(e.code(), "the directory at " + address, "the directory's", "--key-file") << "\n";
    else
      std::cerr << "imchat server: cannot list the names: " << e.what() << "\n";
    return exit_failure;
  }
  std::cout << directory::format_listing(records) << std::flush;
  return exit_ok;
}

bool given(const po::variables_map& vm, const char* option) {
  return vm.count(option) && !vm[option].defaulted();
}

// imchat server --list [PORT]: a client of a running directory, not a directory.
int list_main(const cli_spec& spec, const po::variables_map& vm, std::optional<std::uint16_t> port) {
  std::vector<std::string> serving_options{"listen", "max-frame-size", "max-names", "max-names-per-host"};
  serving_options.insert(serving_options.end(), std::begin(listener_option_names), std::end(listener_option_names));
  for (const auto& serving_option : serving_options)
    if (given(vm, serving_option.c_str()))
      return usage_error(spec, "--" + serving_option + " does not go with --list");
  if (port && vm.count("directory"))
    return usage_error(spec, "give the directory either as PORT or with --directory, not both");
  const double timeout = vm["timeout"].as<double>();
  if (!(timeout > 0) || timeout > 86400)
    return usage_error(spec, "--timeout must be more than 0 and at most 86400 seconds");
  const auto address = port ? "localhost:" + std::to_string(*port) : directory_address(vm);
  std::string why;
  if (directory::check_directory_address(address, why)) return usage_error(spec, why);
  if (directory::is_etcd_address(address) && given(vm, "key-file"))
    return usage_error(spec, "--key-file is for imchat's own directory; an etcd directory takes --etcd-ca, "
                             "--etcd-cert, --etcd-key and --etcd-user");
  return print_listing(address, std::chrono::milliseconds(static_cast<long>(std::ceil(timeout * 1000))),
                       locator_options_from(vm, peer_timeout_from(vm), keys_from(vm)));
}

}  // namespace

int server_main(std::span<const std::string> args) {
  cli_spec spec("server", "[OPTIONS] [PORT]",
                "Run the directory service: it maps the names of global exchanges and queues\n"
                "to the endpoints where they can be reached. Listens on every interface,\n"
                "port 5682 unless PORT is given.\n"
                "With --list, print the names a running directory holds (every room is a\n"
                "queue Q_ROOM and an exchange E_ROOM) and exit; PORT then means the directory\n"
                "at localhost:PORT.");
  spec.options.add_options()
      ("listen", po::value<std::string>()->value_name("ADDR"),
       "listen only on ADDR: an address, a host name or an interface name (lo, eth0)")
      ("max-frame-size", po::value<std::uint32_t>()->default_value(wire::default_max_body_size)
           ->value_name("BYTES"), "largest frame body accepted from a client")
      ("max-names", po::value<std::size_t>()->default_value(directory::registry_limits{}.max_names)->value_name("N"),
       "most names registered at once")
      ("max-names-per-host",
       po::value<std::size_t>()->default_value(directory::registry_limits{}.max_names_per_host)->value_name("N"),
       "most names registered at once from one IPv4 address or IPv6 /64")
      ("list", "print the names registered in a running directory and exit")
      ("timeout", po::value<double>()->default_value(5.0)->value_name("SECONDS"),
       "with --list: give up if the directory has not answered within SECONDS");
  spec.arguments.add_options()
      ("port", po::value<unsigned>(), "port to listen on (default 5682)");
  spec.positionals.add("port", 1);
  add_listener_options(spec, directory::server_options{}.admission, "the directory");
  add_peer_timeout_option(spec);
  add_directory_options(spec);
  add_key_options(spec, "the directory's", false);
  add_config_option(spec);
  add_common_options(spec);
  po::variables_map vm;
  if (auto status = parse_command_line(spec, args, vm)) return *status;

  std::optional<std::uint16_t> given_port;
  if (vm.count("port")) {
    const unsigned value = vm["port"].as<unsigned>();
    if (value == 0 || value > 65535) return usage_error(spec, "PORT must be 1-65535");
    given_port = static_cast<std::uint16_t>(value);
  }
  if (vm.count("list")) return list_main(spec, vm, given_port);
  for (const char* client_option : {"directory", "timeout", "etcd-ca", "etcd-cert", "etcd-key", "etcd-user",
                                    "etcd-password-file", "etcd-prefix"})
    if (given(vm, client_option))
      return usage_error(spec, "--" + std::string(client_option) + " only goes with --list");
  const std::uint16_t port = given_port.value_or(directory::default_port);

  if (vm["max-frame-size"].as<std::uint32_t>() < 1024)
    return usage_error(spec, "--max-frame-size must be at least 1024");

  directory::server_options options;
  if (auto bad = listen_endpoints(vm, port, options.listen)) return usage_error(spec, *bad);
  options.limits.max_body_size = vm["max-frame-size"].as<std::uint32_t>();
  if (auto bad = listener_options_from(vm, options.admission, options.handshake_timeout))
    return usage_error(spec, *bad);
  options.names.max_names = vm["max-names"].as<std::size_t>();
  options.names.max_names_per_host = vm["max-names-per-host"].as<std::size_t>();
  if (options.names.max_names < 1 || options.names.max_names_per_host < 1)
    return usage_error(spec, "--max-names and --max-names-per-host must be at least 1");
  options.peer_timeout = peer_timeout_from(vm);
  options.key = keys_from(vm).own;

  boost::asio::io_context io;
  // Before anything is announced, so that a SIGTERM right after "listening" still ends
  // the server cleanly.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  directory::directory_server server(io, options);
  for (const auto& endpoint : server.local_endpoints())
    spdlog::info("directory listening on {}", net::format_endpoint(endpoint.address(), endpoint.port()));

  //  Tell the service manager (if any) that we serve, how many, and that we are alive.
  systemd_notifier systemd;
  systemd.notify("READY=1\nSTATUS=serving");
  boost::asio::steady_timer ticker(io);
  std::string last_status;
  std::function<void()> tick = [&] {
    systemd.keep_alive();
    auto status = fmt::format("STATUS=serving {} clients, {} names", server.connection_count(),
                              server.names().size());
    if (status != last_status) systemd.notify(last_status = std::move(status));
    ticker.expires_after(std::chrono::milliseconds(250));
    ticker.async_wait([&](boost::system::error_code ec) {
      if (!ec) tick();
    });
  };
  if (systemd.enabled()) tick();

  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    systemd.notify("STOPPING=1");
    spdlog::info("directory stopping (signal {})", signal);
    server.stop();
    io.stop();
  });
  std::signal(SIGPIPE, SIG_IGN);
  io.run();
  return exit_ok;
}

}  // namespace imchat::cmd
