#pragma once
// A kernel object by reference: an exchange or a queue. The one name for what the
// dispatcher holds for process-wide names, an api_thread for its own, and an
// object_listener for what it serves. Declared only, so that the public headers can hold
// one without showing what an exchange or a queue is.

#include <memory>
#include <variant>

namespace imchat::detail {

class exchange;
class queue;

using object_ref = std::variant<std::shared_ptr<exchange>, std::shared_ptr<queue>>;

}  // namespace imchat::detail
