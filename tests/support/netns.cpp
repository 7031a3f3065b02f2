#include "support/netns.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace imchat::test::netns {

namespace {

// The ip command: root's PATH usually has it, a test runner's may not.
std::string ip_command() {
  for (const char* path : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"})
    if (std::filesystem::exists(path)) return path;
  return "ip";
}

std::vector<std::string> namespace_names() {
  std::vector<std::string> names;
  std::istringstream lines(ip({"netns", "list"}).stdout_text);
  for (std::string line; std::getline(lines, line);) names.push_back(line.substr(0, line.find(' ')));
  return names;
}

}  // namespace

program_result ip(std::vector<std::string> args) {
  args.insert(args.begin(), ip_command());
  return run_program(std::move(args));
}

void ip_or_throw(std::vector<std::string> args) {
  std::string shown = "ip";
  for (const auto& arg : args) shown += " " + arg;
  const auto result = ip(std::move(args));
  if (result.status != exit_status::exited(0))
    throw std::runtime_error("'" + shown + "' failed: " + to_string(result.status) + ": " + result.stderr_text);
}

std::optional<std::string> unavailable(std::string_view prefix) {
  if (::geteuid() != 0) return "not running as root";
  const auto probe = name_for(prefix, "probe");
  try {
    const auto added = ip({"netns", "add", probe});
    if (added.status != exit_status::exited(0)) return "'ip netns add' failed: " + added.stderr_text;
  } catch (const std::exception& e) {
    return std::string("cannot run 'ip': ") + e.what();
  }
  ip({"netns", "delete", probe});
  return std::nullopt;
}

std::string name_for(std::string_view prefix, std::string_view suffix) {
  std::string name(prefix);
  name += std::to_string(::getpid());
  name += '-';
  name += suffix;
  return name;
}

void remove_leftovers(std::string_view prefix) {
  for (const auto& name : namespace_names()) {
    if (!name.starts_with(prefix)) continue;
    const auto dash = name.find('-');
    if (dash == std::string::npos) continue;
    try {
      const auto pid = std::stoi(name.substr(prefix.size(), dash - prefix.size()));
      if (::kill(pid, 0) != 0 && errno == ESRCH) ip({"netns", "delete", name});
    } catch (const std::exception&) {
      // Not one of ours after all.
    }
  }
}

std::vector<std::string> run_in(const std::string& name, std::vector<std::string> argv) {
  argv.insert(argv.begin(), {ip_command(), "netns", "exec", name});
  return argv;
}

}  // namespace imchat::test::netns
