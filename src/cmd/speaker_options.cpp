#include "cmd/speaker_options.hpp"

#include "chat/room_name.hpp"

#include <fmt/format.h>

namespace imchat::cmd {

void add_speaker_options(cli_spec& spec, std::string_view when) {
  spec.options.add_options()
      ("linger", po::value<double>()->default_value(10.0)->value_name("SECONDS"),
       fmt::format("{}, how long to wait for the room to acknowledge every line", when).c_str());
  spec.arguments.add_options()
      ("room", po::value<std::string>()->required(), "the room to talk in")
      ("user", po::value<std::string>()->required(), "the name shown before each line");
  spec.positionals.add("room", 1).add("user", 1);
}

std::optional<std::string> speaker_problem(const po::variables_map& vm) {
  if (auto problem = chat::room_name_problem(vm["room"].as<std::string>())) return problem;
  if (auto problem = chat::user_name_problem(vm["user"].as<std::string>())) return problem;
  if (!(vm["linger"].as<double>() >= 0)) return "--linger must be a number of seconds, 0 or more";
  return std::nullopt;
}

std::chrono::milliseconds linger_from(const po::variables_map& vm) {
  return std::chrono::milliseconds(static_cast<long>(vm["linger"].as<double>() * 1000));
}

}  // namespace imchat::cmd
