#pragma once
// Who holds a global name, in words, from its directory record (whose text comes from the
// network, so it is cleaned up): "'Q_cheese' is registered by 127.0.0.1:40122 at
// 127.0.0.1:5555". What a second room of a name, or a second kernel object, is told.

#include "wire/directory_frames.hpp"

#include <string>

namespace imchat::directory {

std::string holder_text(const wire::record& holder);

// The directory's refusal of a name someone else holds: "name 'Q_cheese' is held by
// 127.0.0.1:40122 (endpoints 127.0.0.1:5555)". The built-in directory sends it in its FAIL;
// a directory on etcd makes it on the client from the holder's record.
std::string held_by_text(const wire::record& holder);

}  // namespace imchat::directory
