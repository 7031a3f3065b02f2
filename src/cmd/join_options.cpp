#include "cmd/join_options.hpp"

#include "chat/since_time.hpp"

namespace imchat::cmd {

void add_join_options(cli_spec& spec, std::uint32_t default_history) {
  spec.options.add_options()
      ("history", po::value<std::uint32_t>()->default_value(default_history)->value_name("N"),
       "first show the last N messages the room keeps (in its log, across restarts)")
      ("since", po::value<std::string>()->value_name("TIME"),
       "first show what was said since TIME: 2026-12-03T14:30, '2026-12-03 14:30+01:00', or a "
       "duration back from now such as 90s, 15m, 2h, 1h30m, 3d (with --history, at most N of it)");
}

std::variant<bind_options, std::string> join_options_from(const po::variables_map& vm) {
  bind_options joining{.history = vm["history"].as<std::uint32_t>()};
  if (vm.count("since")) {
    auto since = chat::parse_since(vm["since"].as<std::string>());
    if (auto* problem = std::get_if<std::string>(&since)) return std::move(*problem);
    joining.since = std::get<std::chrono::system_clock::time_point>(since);
  }
  return joining;
}

}  // namespace imchat::cmd
