#include "cmd/listener_options.hpp"

#include "cmd/byte_size.hpp"

#include <cmath>

namespace imchat::cmd {

namespace {
// Below this, ordinary frames of a few lines would be refused.
constexpr std::size_t min_partial_frame_memory = 64 * 1024;
}  // namespace

void add_listener_options(cli_spec& spec, const net::connection_limits& defaults, std::string_view per) {
  const std::string counted = " (" + std::string(per) + ")";
  spec.options.add_options()
      ("max-connections", po::value<std::size_t>()->default_value(defaults.max_connections)->value_name("N"),
       ("most connections open at once" + counted).c_str())
      ("max-connections-per-host",
       po::value<std::size_t>()->default_value(defaults.max_connections_per_host)->value_name("N"),
       ("most connections open at once from one IPv4 address or IPv6 /64" + counted).c_str())
      ("max-partial-frame-memory",
       po::value<byte_size>()->default_value(byte_size{defaults.max_partial_frame_bytes})->value_name("BYTES"),
       ("most memory held in all for frames still arriving; a connection that would go over is "
        "closed" + counted).c_str())
      ("handshake-timeout", po::value<double>()->default_value(5.0)->value_name("SECONDS"),
       "how long a new connection may take to greet and make its first request");
}

std::optional<std::string> listener_options_from(const po::variables_map& vm, net::connection_limits& limits,
                                                 std::chrono::milliseconds& handshake_timeout) {
  const auto total = vm["max-connections"].as<std::size_t>();
  const auto per_host = vm["max-connections-per-host"].as<std::size_t>();
  const auto partial = vm["max-partial-frame-memory"].as<byte_size>().bytes;
  const double handshake = vm["handshake-timeout"].as<double>();
  if (total < 1) return "--max-connections must be at least 1";
  if (per_host < 1) return "--max-connections-per-host must be at least 1";
  if (partial < min_partial_frame_memory)
    return "--max-partial-frame-memory must be at least " + format_byte_size(min_partial_frame_memory);
  if (!(handshake > 0) || handshake > 86400) return "--handshake-timeout must be more than 0 and at most 86400 seconds";
  limits = {.max_connections = total, .max_connections_per_host = per_host, .max_partial_frame_bytes = partial};
  handshake_timeout = std::chrono::milliseconds(static_cast<long>(std::ceil(handshake * 1000)));
  return std::nullopt;
}

}  // namespace imchat::cmd
