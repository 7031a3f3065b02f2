#include "wire/frame.hpp"

namespace imchat::wire {

bool is_known_frame_type(std::uint8_t type) noexcept {
  return !frame_type_name(static_cast<frame_type>(type)).empty();
}

std::string_view frame_type_name(frame_type type) noexcept {
  switch (type) {
    case frame_type::error: return "ERROR";
    case frame_type::heartbeat: return "HEARTBEAT";
    case frame_type::register_name: return "REGISTER";
    case frame_type::unregister_name: return "UNREGISTER";
    case frame_type::lookup: return "LOOKUP";
    case frame_type::list: return "LIST";
    case frame_type::ok: return "OK";
    case frame_type::fail: return "FAIL";
    case frame_type::record: return "RECORD";
    case frame_type::records: return "RECORDS";
    case frame_type::attach: return "ATTACH";
    case frame_type::attached: return "ATTACHED";
    case frame_type::message: return "MESSAGE";
    case frame_type::ack: return "ACK";
  }
  return {};
}

}  // namespace imchat::wire
