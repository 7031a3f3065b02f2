#pragma once
// The directory's table of global names, without sockets: who holds which name, with
// which kind and endpoints. The server feeds it requests on behalf of connections, each
// identified by an owner id; closing a connection releases everything it held.

#include "wire/directory_frames.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

namespace imchat::directory {

using owner_id = std::uint64_t;

struct registry_limits {
  std::size_t max_names = 65536;            // in the whole directory
  std::size_t max_names_per_owner = 1024;   // per connection
  std::size_t max_names_per_host = 4096;    // all the connections of one host together
  std::size_t max_name_size = 1024;         // bytes
  std::size_t max_endpoints = 16;           // per record
  std::size_t max_endpoint_size = 255;      // bytes
};

// Empty, over max_size bytes, invalid UTF-8, or containing a control character
// (C0, DEL, C1) are invalid names.
bool is_valid_name(std::string_view name, std::size_t max_size) noexcept;

// Why `rec` cannot be stored, or "" when its name and endpoints are acceptable. Endpoints
// follow the same text rules as names because other users see them in listings and error
// messages, where a control character could garble their terminal.
std::string record_problem(const wire::record& rec, const registry_limits& limits);

class registry {
 public:
  explicit registry(registry_limits limits = {}) : limits_(limits) {}

  // Claims `rec.name` for `owner` (rec.owner describes the owner for others to read).
  // Errors: wire::error::invalid_name (bad name or endpoint), name_in_use (held by another
  // owner; `detail` then names the holder), limit_exceeded. Re-registering a name the same
  // owner holds replaces its record. `host` is where the owner connects from (net::host_key):
  // one host may hold at most max_names_per_host names, however many connections it opens.
  std::error_code add(owner_id owner, wire::record rec, std::string& detail, std::string_view host = {});

  // Frees `name` if `owner` holds it; wire::error::not_found otherwise.
  std::error_code remove(owner_id owner, std::string_view name);

  // Frees every name `owner` holds; returns the names freed.
  std::vector<std::string> release(owner_id owner);

  std::optional<wire::record> find(std::string_view name) const;

  // Every record whose name starts with `prefix`, sorted by name.
  std::vector<wire::record> list(std::string_view prefix = {}) const;

  // One page of that listing: the records after the name `after` (from the start without
  // one), as many as fit `max_bytes` encoded (at least one) and at most `max_records`.
  // A listing read page by page sees every name that stays registered meanwhile, once,
  // in order, however large the directory.
  struct page {
    std::vector<wire::record> records;
    bool last = true;  // nothing matches after these
  };
  page list_page(std::string_view prefix, const std::optional<std::string>& after, std::size_t max_bytes,
                 std::size_t max_records) const;

  std::size_t size() const noexcept { return records_.size(); }

 private:
  struct entry {
    owner_id owner;
    std::string host;
    wire::record record;
  };
  void forget_host_name(const std::string& host);

  registry_limits limits_;
  std::map<std::string, entry, std::less<>> records_;
  std::unordered_map<owner_id, std::vector<std::string>> names_by_owner_;
  std::unordered_map<std::string, std::size_t> names_per_host_;
};

}  // namespace imchat::directory
