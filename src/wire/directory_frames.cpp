#include "wire/directory_frames.hpp"

#include "wire/body_reader.hpp"
#include "wire/body_writer.hpp"

namespace imchat::wire {
namespace {

object_kind read_kind(body_reader& in) {
  const auto value = in.u8();
  if (value != static_cast<std::uint8_t>(object_kind::exchange) &&
      value != static_cast<std::uint8_t>(object_kind::queue)) {
    in.fail(error::bad_field_value);
    return object_kind::queue;
  }
  return static_cast<object_kind>(value);
}

void put_endpoints(body_writer& out, const std::vector<std::string>& endpoints) {
  out.put_u16(static_cast<std::uint16_t>(endpoints.size()));
  for (const auto& endpoint : endpoints) out.put_str(endpoint);
}

std::vector<std::string> read_endpoints(body_reader& in) {
  const std::size_t count = in.u16();
  std::vector<std::string> endpoints;
  // Each string needs at least its 2-byte length: stop at the first failure rather than
  // trusting `count` for the allocation.
  for (std::size_t i = 0; i < count && !in.finish_failed(); ++i) endpoints.push_back(in.str());
  return endpoints;
}

void put_record(body_writer& out, const record& r) {
  out.put_u8(static_cast<std::uint8_t>(r.kind)).put_str(r.name);
  put_endpoints(out, r.endpoints);
  out.put_str(r.owner);
}

record read_record(body_reader& in) {
  record r;
  r.kind = read_kind(in);
  r.name = in.str();
  r.endpoints = read_endpoints(in);
  r.owner = in.str();
  return r;
}

}  // namespace

std::string_view object_kind_name(object_kind kind) noexcept {
  return kind == object_kind::exchange ? "exchange" : "queue";
}

void encode(bytes& out, const register_request& r) {
  body_writer w(out, frame_type::register_name);
  w.put_u32(r.request).put_u8(static_cast<std::uint8_t>(r.kind)).put_str(r.name);
  put_endpoints(w, r.endpoints);
  w.finish();
}
void encode(bytes& out, const unregister_request& r) {
  body_writer w(out, frame_type::unregister_name);
  w.put_u32(r.request).put_str(r.name).finish();
}
void encode(bytes& out, const lookup_request& r) {
  body_writer w(out, frame_type::lookup);
  w.put_u32(r.request).put_str(r.name).finish();
}
void encode(bytes& out, const list_request& r) {
  body_writer w(out, frame_type::list);
  w.put_u32(r.request).put_str(r.prefix).finish();
}
void encode(bytes& out, const ok_reply& r) {
  body_writer w(out, frame_type::ok);
  w.put_u32(r.request).finish();
}
void encode(bytes& out, const fail_reply& r) {
  body_writer w(out, frame_type::fail);
  w.put_u32(r.request).put_u16(r.code).put_str(r.message).finish();
}
void encode(bytes& out, const record_reply& r) {
  body_writer w(out, frame_type::record);
  w.put_u32(r.request);
  put_record(w, r.record);
  w.finish();
}
void encode(bytes& out, const records_reply& r) {
  body_writer w(out, frame_type::records);
  w.put_u32(r.request).put_u8(r.last ? 1 : 0).put_u16(static_cast<std::uint16_t>(r.records.size()));
  for (const auto& each : r.records) put_record(w, each);
  w.finish();
}

std::error_code decode(std::span<const std::byte> body, register_request& r) {
  body_reader in(body);
  r.request = in.u32();
  r.kind = read_kind(in);
  r.name = in.str();
  r.endpoints = read_endpoints(in);
  return in.finish();
}
std::error_code decode(std::span<const std::byte> body, unregister_request& r) {
  body_reader in(body);
  r.request = in.u32();
  r.name = in.str();
  return in.finish();
}
std::error_code decode(std::span<const std::byte> body, lookup_request& r) {
  body_reader in(body);
  r.request = in.u32();
  r.name = in.str();
  return in.finish();
}
std::error_code decode(std::span<const std::byte> body, list_request& r) {
  body_reader in(body);
  r.request = in.u32();
  r.prefix = in.str();
  return in.finish();
}
std::error_code decode(std::span<const std::byte> body, ok_reply& r) {
  body_reader in(body);
  r.request = in.u32();
  return in.finish();
}
std::error_code decode(std::span<const std::byte> body, fail_reply& r) {
  body_reader in(body);
  r.request = in.u32();
  r.code = in.u16();
  r.message = in.str();
  return in.finish();
}
std::error_code decode(std::span<const std::byte> body, record_reply& r) {
  body_reader in(body);
  r.request = in.u32();
  r.record = read_record(in);
  return in.finish();
}
std::error_code decode(std::span<const std::byte> body, records_reply& r) {
  body_reader in(body);
  r.request = in.u32();
  const auto last = in.u8();
  if (last > 1) in.fail(error::bad_field_value);
  r.last = last == 1;
  const std::size_t count = in.u16();
  r.records.clear();
  for (std::size_t i = 0; i < count && !in.finish_failed(); ++i) r.records.push_back(read_record(in));
  return in.finish();
}

std::size_t encoded_size(const record& r) noexcept {
  std::size_t size = 1 + 2 + r.name.size() + 2 + 2 + r.owner.size();
  for (const auto& endpoint : r.endpoints) size += 2 + endpoint.size();
  return size;
}

}  // namespace imchat::wire
