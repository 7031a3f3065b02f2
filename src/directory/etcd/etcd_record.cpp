#include "directory/etcd/etcd_record.hpp"

#include "directory/registry.hpp"

#include <nlohmann/json.hpp>

namespace imchat::directory::etcd {

using json = nlohmann::json;

std::string record_key(std::string_view prefix, std::string_view name) {
  std::string key(prefix);
  key += name;
  return key;
}

std::string encode_record_value(const wire::record& record) {
  return json{{"kind", std::string(wire::object_kind_name(record.kind))},
              {"endpoints", record.endpoints},
              {"owner", record.owner}}
      .dump();
}

bool decode_record(std::string_view prefix, std::string_view key, std::string_view value, wire::record& out,
                   std::string& why) {
  if (!key.starts_with(prefix)) {
    why = "a key outside the prefix";
    return false;
  }
  out = {};
  out.name = std::string(key.substr(prefix.size()));
  const auto object = json::parse(value, nullptr, false);
  if (object.is_discarded() || !object.is_object()) {
    why = "its value is not a JSON object";
    return false;
  }
  const auto kind = object.find("kind");
  if (kind == object.end() || !kind->is_string() ||
      (*kind != wire::object_kind_name(wire::object_kind::queue) &&
       *kind != wire::object_kind_name(wire::object_kind::exchange))) {
    why = "its value has no known kind";
    return false;
  }
  out.kind = *kind == wire::object_kind_name(wire::object_kind::queue) ? wire::object_kind::queue
                                                                        : wire::object_kind::exchange;
  const auto endpoints = object.find("endpoints");
  if (endpoints == object.end() || !endpoints->is_array()) {
    why = "its value has no endpoints";
    return false;
  }
  for (const auto& endpoint : *endpoints) {
    if (!endpoint.is_string()) {
      why = "its value has an endpoint that is not text";
      return false;
    }
    out.endpoints.push_back(endpoint.get<std::string>());
  }
  if (const auto owner = object.find("owner"); owner != object.end()) {
    if (!owner->is_string()) {
      why = "its value has an owner that is not text";
      return false;
    }
    out.owner = owner->get<std::string>();
  }
  // What the built-in directory would refuse to store is refused here on reading, the
  // owner held to the same rules as the endpoints: all of it is shown to users.
  const registry_limits limits;
  why = record_problem(out, limits);
  if (why.empty() && !out.owner.empty() && !is_valid_name(out.owner, limits.max_endpoint_size))
    why = "its owner is not printable text of at most " + std::to_string(limits.max_endpoint_size) + " bytes";
  return why.empty();
}

}  // namespace imchat::directory::etcd
