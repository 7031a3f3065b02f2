#pragma once
// A directory record as an etcd key and value: the key is the prefix and the name, the
// value a small JSON object, {"kind":"queue","endpoints":["10.0.0.2:5555"],"owner":"..."}
// (the owner is who registered it, as it says of itself: host and process). Values are
// read back as what anyone with write access to the prefix may have put there: a value
// that is not a well-formed record is refused with a reason, never half-used.

#include "wire/directory_frames.hpp"

#include <string>
#include <string_view>

namespace imchat::directory::etcd {

std::string record_key(std::string_view prefix, std::string_view name);

std::string encode_record_value(const wire::record& record);

// The record stored at `key` under `prefix`; false, with `why`, when it is not one.
bool decode_record(std::string_view prefix, std::string_view key, std::string_view value, wire::record& out,
                   std::string& why);

}  // namespace imchat::directory::etcd
