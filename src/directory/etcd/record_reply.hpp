#pragma once
// What a read of one name's key comes to, as the locator answers it: the record, or
// not_found, or invalid_name saying why the value there is no directory record.

#include "directory/detail/locator_backend.hpp"
#include "directory/etcd/etcd_codec.hpp"

#include <string>
#include <string_view>

namespace imchat::directory::etcd {

detail::directory_reply record_reply(std::string_view prefix, const std::string& name, const range_reply& reply);

inline detail::directory_reply failed(std::error_code ec, std::string why) { return {ec, std::move(why), {}, {}}; }

}  // namespace imchat::directory::etcd
