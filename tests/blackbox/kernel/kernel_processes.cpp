#include "blackbox/kernel/kernel_processes.hpp"

#include "support/tcp_ports.hpp"
#include "support/imchat_binary.hpp"

#include <stdexcept>

namespace imchat::test {

namespace {

child_process start_server(const std::string& port) {
  return child_process({IMCHAT_BINARY, "server", "--listen", "127.0.0.1", port});
}

}  // namespace

directory_server_process::directory_server_process()
    : address_("127.0.0.1:" + std::to_string(free_tcp_port())),
      server_(start_server(address_.substr(address_.find(':') + 1))) {
  if (!server_.wait_for_stderr("directory listening on"))
    throw std::runtime_error("imchat server did not start listening; stderr:\n" + server_.stderr_text());
}

child_process start_kernel_peer(const std::string& directory, std::vector<std::string> args) {
  args.insert(args.begin(), {IMCHAT_KERNEL_PEER, directory});
  return child_process(std::move(args));
}

std::vector<std::string> read_lines_until(child_process& child,
                                          const std::function<bool(const std::vector<std::string>&)>& enough,
                                          std::chrono::milliseconds timeout) {
  std::vector<std::string> lines;
  const deadline until(timeout);
  while (!enough(lines) && !until.expired()) {
    auto line = child.read_stdout_line(std::chrono::milliseconds(until.poll_timeout()));
    if (!line) break;
    lines.push_back(std::move(*line));
  }
  return lines;
}

}  // namespace imchat::test
