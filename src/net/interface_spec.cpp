#include "net/interface_spec.hpp"

#include "net/endpoint.hpp"
#include "net/network_interfaces.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <optional>

#include <net/if.h>

namespace imchat::net {
namespace {

namespace ip = boost::asio::ip;
using interface_list = std::vector<network_interface>;

constexpr std::string_view spec_forms =
    "expected INTERFACE[:PORT], ADDRESS[:PORT], [IPV6-ADDRESS][:PORT], HOST[:PORT] or *[:PORT]";

std::error_code refuse(std::string& why, std::string_view spec_text, std::string_view reason,
                       std::error_code code) {
  why = "interface spec '";
  why += spec_text;
  why += "': ";
  why += reason;
  return code;
}

// Clients try advertised endpoints in order, so the ones most likely to work come first:
// IPv4, then routable IPv6, then IPv6 link-local, which only works on the same link.
int preference_rank(const ip::address& address) {
  if (address.is_v4()) return 0;
  return address.to_v6().is_link_local() ? 2 : 1;
}

void sort_by_preference(std::vector<ip::address>& addresses) {
  std::stable_sort(addresses.begin(), addresses.end(),
                   [](const ip::address& a, const ip::address& b) {
                     return preference_rank(a) < preference_rank(b);
                   });
}

std::string join(const std::vector<std::string>& parts) {
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i > 0 ? ", " : "") + parts[i];
  return text;
}

std::string interface_names(const interface_list& interfaces) {
  std::vector<std::string> names;
  for (const auto& each : interfaces) names.push_back(each.name);
  return join(names);
}

std::string address_texts(const std::vector<ip::address>& addresses) {
  std::vector<std::string> texts;
  for (const auto& address : addresses) texts.push_back(address.to_string());
  return join(texts);
}

// The address as this host holds it, or nothing when no interface has it. A link-local
// IPv6 address written without a scope id takes the scope of the interface holding it,
// since it could not be bound without one. All of 127.0.0.0/8 is local on Linux.
std::optional<ip::address> local_address(const ip::address& wanted,
                                         const interface_list& interfaces) {
  if (wanted.is_v4() && wanted.is_loopback()) return wanted;
  for (const auto& each : interfaces) {
    for (const auto& held : each.addresses) {
      if (held == wanted) return held;
      if (held.is_v6() && wanted.is_v6() && wanted.to_v6().scope_id() == 0 &&
          held.to_v6().to_bytes() == wanted.to_v6().to_bytes())
        return held;
    }
  }
  return std::nullopt;
}

// What "*" advertises: the addresses of every interface that is up, leaving loopback out
// unless the host has nothing else. `only_v4` is for a bind on 0.0.0.0, which IPv6 clients
// cannot reach.
std::vector<ip::address> every_host_address(const interface_list& interfaces, bool only_v4) {
  std::vector<ip::address> outward, loopback;
  for (const auto& each : interfaces) {
    if (!each.up) continue;
    for (const auto& address : each.addresses) {
      if (only_v4 && !address.is_v4()) continue;
      ((each.loopback || address.is_loopback()) ? loopback : outward).push_back(address);
    }
  }
  auto chosen = outward.empty() ? std::move(loopback) : std::move(outward);
  sort_by_preference(chosen);
  return chosen;
}

void bind_each(const std::vector<ip::address>& addresses, std::uint16_t port,
               resolved_interface& out) {
  for (const auto& address : addresses) out.bind_endpoints.emplace_back(address, port);
  out.advertised_addresses = addresses;
}

std::error_code resolve_any(const interface_spec& spec, const interface_list& interfaces,
                            resolved_interface& out, std::string& why) {
  const bool dual_stack = host_supports_ipv6();
  out.bind_endpoints.emplace_back(dual_stack ? ip::address(ip::address_v6::any())
                                             : ip::address(ip::address_v4::any()),
                                  spec.port);
  out.advertised_addresses = every_host_address(interfaces, !dual_stack);
  if (out.advertised_addresses.empty())
    return refuse(why, spec.text, "this host has no network address to advertise",
                  std::make_error_code(std::errc::address_not_available));
  return {};
}

std::error_code resolve_interface(const interface_spec& spec, const interface_list& interfaces,
                                  resolved_interface& out, std::string& why) {
  const auto found =
      std::find_if(interfaces.begin(), interfaces.end(),
                   [&](const network_interface& each) { return each.name == spec.host; });
  if (found == interfaces.end())
    return refuse(why, spec.text,
                  "no such network interface '" + spec.host + "' (this host has: " +
                      interface_names(interfaces) + ")",
                  std::make_error_code(std::errc::no_such_device));
  if (found->addresses.empty())
    return refuse(why, spec.text, "network interface '" + spec.host + "' has no IP address",
                  std::make_error_code(std::errc::address_not_available));
  auto addresses = found->addresses;
  sort_by_preference(addresses);
  bind_each(addresses, spec.port, out);
  return {};
}

std::error_code resolve_address(const interface_spec& spec, const interface_list& interfaces,
                                resolved_interface& out, std::string& why) {
  boost::system::error_code not_an_address;
  const auto address = ip::make_address(spec.host, not_an_address);
  if (not_an_address)
    return refuse(why, spec.text, "'" + spec.host + "' is not an IP address",
                  std::make_error_code(std::errc::invalid_argument));

  // An explicit wildcard binds as written but, like "*", advertises real addresses.
  if (address.is_unspecified()) {
    out.bind_endpoints.emplace_back(address, spec.port);
    out.advertised_addresses = every_host_address(interfaces, address.is_v4());
    if (out.advertised_addresses.empty())
      return refuse(why, spec.text, "this host has no network address to advertise",
                    std::make_error_code(std::errc::address_not_available));
    return {};
  }

  const auto local = local_address(address, interfaces);
  if (!local)
    return refuse(why, spec.text, address.to_string() + " is not an address of this host",
                  std::make_error_code(std::errc::address_not_available));
  bind_each({*local}, spec.port, out);
  return {};
}

// Could the user have meant an interface? Interface names are short and, in practice,
// dotless; a name with a dot is a host name, and mentioning interfaces would mislead.
bool could_be_interface_name(std::string_view name) {
  return name.size() < IF_NAMESIZE && name.find('.') == std::string_view::npos;
}

std::error_code resolve_hostname(const interface_spec& spec, const interface_list& interfaces,
                                 resolved_interface& out, std::string& why) {
  // A name that is no interface may be a misspelt one: then say so first, and what the
  // resolver made of it second, since the user could have meant either.
  const bool maybe_interface = could_be_interface_name(spec.host);
  const auto explain = [&](const std::string& as_host, std::error_code code) {
    if (!maybe_interface) return refuse(why, spec.text, as_host, code);
    return refuse(why, spec.text,
                  "no such network interface '" + spec.host + "' (this host has: " +
                      interface_names(interfaces) + "), and " + as_host,
                  std::make_error_code(std::errc::no_such_device));
  };

  boost::asio::io_context context;
  ip::tcp::resolver resolver(context);
  boost::system::error_code resolve_error;
  const auto results = resolver.resolve(spec.host, "", ip::tcp::resolver::flags(), resolve_error);
  if (resolve_error)
    return explain("no host '" + spec.host + "' resolves (" + resolve_error.message() + ")",
                   resolve_error);

  std::vector<ip::address> resolved, local;
  for (const auto& entry : results) {
    const auto address = entry.endpoint().address();
    if (std::find(resolved.begin(), resolved.end(), address) != resolved.end()) continue;
    resolved.push_back(address);
    // Binding needs one of this host's own addresses; the others are someone else's.
    if (const auto held = local_address(address, interfaces)) local.push_back(*held);
  }
  if (local.empty())
    return explain("host '" + spec.host + "' resolves to " + address_texts(resolved) +
                       ", not an address of this host",
                   std::make_error_code(std::errc::address_not_available));
  sort_by_preference(local);
  bind_each(local, spec.port, out);
  return {};
}

std::error_code resolve_by_kind(const interface_spec& spec, const interface_list& interfaces,
                                resolved_interface& out, std::string& why) {
  switch (spec.kind) {
    case interface_spec::host_kind::any:
      return resolve_any(spec, interfaces, out, why);
    case interface_spec::host_kind::interface:
      return resolve_interface(spec, interfaces, out, why);
    case interface_spec::host_kind::address:
      return resolve_address(spec, interfaces, out, why);
    case interface_spec::host_kind::hostname:
      return resolve_hostname(spec, interfaces, out, why);
  }
  return refuse(why, spec.text, "unknown kind of host",
                std::make_error_code(std::errc::invalid_argument));
}

}  // namespace

std::error_code parse_interface_spec(std::string_view text, interface_spec& out, std::string& why) {
  const auto invalid = std::make_error_code(std::errc::invalid_argument);
  why.clear();
  if (text.empty()) return refuse(why, text, "empty; " + std::string(spec_forms), invalid);

  std::string reason;
  host_port_text split;
  if (split_host_port(text, split, reason)) return refuse(why, text, reason, invalid);

  interface_spec spec;
  spec.text = std::string(text);
  spec.port = split.port.value_or(0);
  spec.host = std::string(split.host);

  if (split.bracketed) {
    if (!is_ipv6_literal(spec.host))
      return refuse(why, text, "'" + spec.host + "' is in brackets but is not an IPv6 address",
                    invalid);
    spec.kind = interface_spec::host_kind::address;
  } else if (spec.host == "*") {
    spec.kind = interface_spec::host_kind::any;
    spec.host.clear();
  } else if (is_ip_literal(spec.host)) {
    spec.kind = interface_spec::host_kind::address;
  } else if (has_space_or_control(spec.host)) {
    return refuse(why, text, "the host contains a space or control character", invalid);
  } else {
    // An interface of that name on this host wins over a host name, as in ØMQ: "eth0"
    // means the interface even if a machine on the network is called eth0.
    spec.kind = if_nametoindex(spec.host.c_str()) != 0 ? interface_spec::host_kind::interface
                                                      : interface_spec::host_kind::hostname;
  }
  out = std::move(spec);
  return {};
}

std::error_code resolve_interface_spec(const interface_spec& spec, resolved_interface& out,
                                       std::string& why) {
  why.clear();
  interface_list interfaces;
  if (const auto error = list_network_interfaces(interfaces))
    return refuse(why, spec.text, "cannot list network interfaces: " + error.message(), error);

  resolved_interface result;
  const auto error = resolve_by_kind(spec, interfaces, result, why);
  if (!error) out = std::move(result);
  return error;
}

}  // namespace imchat::net
