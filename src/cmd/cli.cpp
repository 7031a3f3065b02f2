#include "cmd/cli.hpp"

#include "cmd/command.hpp"
#include "cmd/config_file.hpp"
#include "cmd/directory_options.hpp"
#include "cmd/option_error_text.hpp"

#include "util/logging.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <iostream>

namespace imchat::cmd {

void add_common_options(cli_spec& spec) {
  spec.options.add_options()
      ("help,h", "show this help and exit")
      ("log-level", po::value<std::string>()->default_value("info")->value_name("LEVEL"),
       "trace, debug, info, warn, error, critical or off");
}

void add_config_option(cli_spec& spec) {
  spec.options.add_options()
      ("config", po::value<std::string>()->value_name("FILE"),
       "read options from FILE (key = value lines); the command line wins")
      ("optional-config", po::value<std::string>()->value_name("FILE"),
       "like --config, but a missing FILE is no error (for service units)");
}

void add_timeout_option(cli_spec& spec, std::string_view what) {
  spec.options.add_options()
      ("timeout", po::value<double>()->value_name("SECONDS"),
       ("give up if " + std::string(what) + " cannot be found within SECONDS (default: wait)").c_str());
}

chat::wait_policy wait_policy_from(const po::variables_map& vm, const chat::stop_signal& stop) {
  chat::wait_policy policy{.deadline = std::nullopt, .stop = &stop};
  if (vm.count("timeout"))
    policy.deadline = std::chrono::steady_clock::now() +
                      std::chrono::milliseconds(static_cast<long>(vm["timeout"].as<double>() * 1000));
  return policy;
}

namespace {

// What `args` gave for `option` ("--peer-timeout": "--peer-timeout=X" or "--peer-timeout
// X"), for an error message about it; "" if it cannot be told.
std::string value_given(std::span<const std::string> args, const std::string& option) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == option && i + 1 < args.size()) return args[i + 1];
    if (args[i].starts_with(option + "=")) return args[i].substr(option.size() + 1);
  }
  return "";
}

// Heartbeats go out every second: a peer must be allowed to miss one before it is dead.
constexpr double min_peer_timeout = 2;
constexpr double max_peer_timeout = 86400;
}  // namespace

void add_peer_timeout_option(cli_spec& spec) {
  spec.options.add_options()
      ("peer-timeout", po::value<double>()->default_value(5.0)->value_name("SECONDS"),
       "close a connection whose peer sent nothing, not even a heartbeat, for SECONDS (2 or more)");
}

void add_chat_options(cli_spec& spec, std::string_view what) {
  add_timeout_option(spec, what);
  add_peer_timeout_option(spec);
  add_directory_options(spec);
}

std::chrono::milliseconds peer_timeout_from(const po::variables_map& vm) {
  return std::chrono::milliseconds(static_cast<long>(std::ceil(vm["peer-timeout"].as<double>() * 1000)));
}

int usage_error(const cli_spec& spec, std::string_view message) {
  std::cerr << "imchat " << spec.name << ": " << message << "\n"
            << "usage: imchat " << spec.name << " " << spec.synopsis << "\n"
            << "Try 'imchat " << spec.name << " --help' for more information.\n";
  return exit_usage;
}

std::optional<int> parse_command_line(cli_spec& spec, std::span<const std::string> args,
                                      po::variables_map& vm) {
  try {
    std::vector<std::string> argv(args.begin(), args.end());
    po::options_description everything;
    everything.add(spec.options).add(spec.arguments);
    po::store(po::command_line_parser(argv)
                  .options(everything)
                  .positional(spec.positionals)
                  .style(po::command_line_style::unix_style ^ po::command_line_style::allow_guessing)
                  .run(),
              vm);
    if (!vm.count("help")) {
      std::optional<std::string> file;
      if (vm.count("config")) file = vm["config"].as<std::string>();
      else if (vm.count("optional-config") && std::filesystem::exists(vm["optional-config"].as<std::string>()))
        file = vm["optional-config"].as<std::string>();
      if (auto bad = file ? read_config_file(*file, everything, vm) : std::nullopt) {
        std::cerr << "imchat " << spec.name << ": " << *bad << "\n";
        return exit_usage;
      }
    }
    if (vm.count("help")) {
      std::cout << "usage: imchat " << spec.name << " " << spec.synopsis << "\n\n"
                << spec.summary << "\n\n"
                << spec.options << "\n";
      return exit_ok;
    }
    po::notify(vm);
  } catch (const po::required_option& e) {
    // Required options are the positional arguments: name them as the synopsis does.
    std::string name = e.get_option_name();
    name.erase(0, name.find_first_not_of('-'));
    for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return usage_error(spec, "missing argument " + name);
  } catch (po::error_with_option_name& e) {
    return usage_error(spec, option_error_text(e, value_given(args, e.get_option_name())));
  } catch (const po::error& e) {
    return usage_error(spec, e.what());
  }
  if (vm.count("timeout") && !(vm["timeout"].as<double>() >= 0))
    return usage_error(spec, "--timeout must be a number of seconds, 0 or more");
  if (vm.count("peer-timeout")) {
    const double peer_timeout = vm["peer-timeout"].as<double>();
    if (!(peer_timeout >= min_peer_timeout && peer_timeout <= max_peer_timeout))
      return usage_error(spec, fmt::format("--peer-timeout must be {:g} to {:g} seconds", min_peer_timeout,
                                           max_peer_timeout));
  }
  if (spec.options.find_nothrow("directory", false))
    if (auto problem = directory_options_problem(vm)) return usage_error(spec, *problem);
  const auto level = parse_log_level(vm["log-level"].as<std::string>());
  if (!level) return usage_error(spec, "unknown --log-level '" + vm["log-level"].as<std::string>() + "'");
  setup_logging(*level);
  return std::nullopt;
}

}  // namespace imchat::cmd
