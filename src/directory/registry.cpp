#include "directory/registry.hpp"

#include "directory/holder_text.hpp"
#include "directory/name_rules.hpp"
#include "util/printable_text.hpp"
#include "wire/error.hpp"

#include <algorithm>
#include <utility>

namespace imchat::directory {

std::string record_problem(const wire::record& rec, const registry_limits& limits) {
  if (const auto check = check_text(rec.name, limits.max_name_size);
      check.fault != text_fault::none)
    return "name " + describe(check, rec.name.size(), limits.max_name_size);
  // The name is valid from here on, but may still hold bidirectional overrides and the
  // like, which must not reorder the message around it.
  const auto name = printable_text(rec.name);
  if (rec.endpoints.empty()) return "name '" + name + "' has no endpoints";
  if (rec.endpoints.size() > limits.max_endpoints)
    return "name '" + name + "' has " + std::to_string(rec.endpoints.size()) +
           " endpoints, over the limit of " + std::to_string(limits.max_endpoints);
  for (std::size_t i = 0; i < rec.endpoints.size(); ++i) {
    const auto& endpoint = rec.endpoints[i];
    if (const auto check = check_text(endpoint, limits.max_endpoint_size);
        check.fault != text_fault::none)
      return "endpoint " + std::to_string(i + 1) + " of name '" + name + "' " +
             describe(check, endpoint.size(), limits.max_endpoint_size);
  }
  return {};
}

bool is_valid_name(std::string_view name, std::size_t max_size) noexcept {
  return check_text(name, max_size).fault == text_fault::none;
}

std::error_code registry::add(owner_id owner, wire::record rec, std::string& detail, std::string_view host) {
  detail.clear();
  if (auto problem = record_problem(rec, limits_); !problem.empty()) {
    detail = std::move(problem);
    return wire::error::invalid_name;
  }

  if (const auto held = records_.find(rec.name); held != records_.end()) {
    if (held->second.owner != owner) {
      detail = held_by_text(held->second.record);
      return wire::error::name_in_use;
    }
    // The same connection registering again (say, after rebinding on a new port) updates
    // its record; it already counts against the limits.
    held->second.record = std::move(rec);
    return {};
  }

  const auto owned = names_by_owner_.find(owner);
  const std::size_t owned_count = owned == names_by_owner_.end() ? 0 : owned->second.size();
  if (owned_count >= limits_.max_names_per_owner) {
    detail = "this connection already holds " + std::to_string(owned_count) +
             " names, the most one connection may hold";
    return wire::error::limit_exceeded;
  }
  const std::string host_name(host);
  const auto host_count = names_per_host_.find(host_name);
  if (host_count != names_per_host_.end() && host_count->second >= limits_.max_names_per_host) {
    detail = "this host (" + printable_text(host_name) + ") already holds " + std::to_string(host_count->second) +
             " names, the most one host may hold";
    return wire::error::limit_exceeded;
  }
  if (records_.size() >= limits_.max_names) {
    detail = "the directory is full: it holds " + std::to_string(records_.size()) +
             " names, the most it may hold";
    return wire::error::limit_exceeded;
  }

  std::string name = rec.name;
  const auto inserted = records_.emplace(name, entry{owner, host_name, std::move(rec)}).first;
  try {
    names_by_owner_[owner].push_back(std::move(name));
  } catch (...) {
    // Keep both tables in step: a name nobody can release would leak for good.
    records_.erase(inserted);
    throw;
  }
  ++names_per_host_[host_name];
  return {};
}

void registry::forget_host_name(const std::string& host) {
  if (const auto count = names_per_host_.find(host); count != names_per_host_.end() && --count->second == 0)
    names_per_host_.erase(count);
}

std::error_code registry::remove(owner_id owner, std::string_view name) {
  const auto held = records_.find(name);
  if (held == records_.end() || held->second.owner != owner) return wire::error::not_found;
  forget_host_name(held->second.host);
  records_.erase(held);

  const auto owned = names_by_owner_.find(owner);
  std::erase(owned->second, name);
  if (owned->second.empty()) names_by_owner_.erase(owned);
  return {};
}

std::vector<std::string> registry::release(owner_id owner) {
  const auto owned = names_by_owner_.find(owner);
  if (owned == names_by_owner_.end()) return {};
  std::vector<std::string> names = std::move(owned->second);
  names_by_owner_.erase(owned);
  for (const auto& name : names) {
    if (const auto held = records_.find(name); held != records_.end()) {
      forget_host_name(held->second.host);
      records_.erase(held);
    }
  }
  return names;
}

std::optional<wire::record> registry::find(std::string_view name) const {
  const auto held = records_.find(name);
  if (held == records_.end()) return std::nullopt;
  return held->second.record;
}

std::vector<wire::record> registry::list(std::string_view prefix) const {
  std::vector<wire::record> found;
  // The map is sorted by name, so the matches are one contiguous run starting at the
  // first name not less than the prefix.
  for (auto it = records_.lower_bound(prefix);
       it != records_.end() && std::string_view(it->first).starts_with(prefix); ++it)
    found.push_back(it->second.record);
  return found;
}

registry::page registry::list_page(std::string_view prefix, const std::optional<std::string>& after,
                                   std::size_t max_bytes, std::size_t max_records) const {
  page found;
  auto it = after ? records_.upper_bound(*after) : records_.lower_bound(prefix);
  if (after && *after < prefix) it = records_.lower_bound(prefix);
  std::size_t size = 0;
  for (; it != records_.end() && std::string_view(it->first).starts_with(prefix); ++it) {
    const auto record_size = wire::encoded_size(it->second.record);
    if (!found.records.empty() && (size + record_size > max_bytes || found.records.size() >= max_records)) {
      found.last = false;
      return found;
    }
    size += record_size;
    found.records.push_back(it->second.record);
  }
  return found;
}

}  // namespace imchat::directory
