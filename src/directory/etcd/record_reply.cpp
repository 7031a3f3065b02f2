#include "directory/etcd/record_reply.hpp"

#include "directory/etcd/etcd_record.hpp"
#include "util/printable_text.hpp"
#include "wire/error.hpp"

#include <fmt/format.h>

namespace imchat::directory::etcd {

detail::directory_reply record_reply(std::string_view prefix, const std::string& name, const range_reply& reply) {
  if (reply.kvs.empty()) return failed(wire::error::not_found, "no name '" + printable_text(name) + "'");
  detail::directory_reply found;
  std::string why;
  found.record.emplace();
  if (!decode_record(prefix, reply.kvs.front().key, reply.kvs.front().value, *found.record, why))
    return failed(wire::error::invalid_name,
                  fmt::format("the record of '{}' in etcd is no directory record: {}", printable_text(name), why));
  return found;
}

}  // namespace imchat::directory::etcd
