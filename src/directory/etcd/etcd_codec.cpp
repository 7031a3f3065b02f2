#include "directory/etcd/etcd_codec.hpp"

#include "util/base64.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <limits>

namespace imchat::directory::etcd {
namespace {

using json = nlohmann::json;

// 64-bit numbers come as JSON strings ("12"), smaller ones sometimes as numbers: both are
// taken. Absent means 0, as in protobuf's JSON.
bool read_int(const json& object, const char* field, std::int64_t& out) {
  out = 0;
  const auto found = object.find(field);
  if (found == object.end()) return true;
  if (found->is_number_integer()) {
    out = found->get<std::int64_t>();
    return true;
  }
  if (!found->is_string()) return false;
  const auto& text = found->get_ref<const std::string&>();
  const auto* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && stop == end;
}

bool read_bool(const json& object, const char* field, bool& out) {
  out = false;
  const auto found = object.find(field);
  if (found == object.end()) return true;
  if (!found->is_boolean()) return false;
  out = found->get<bool>();
  return true;
}

// A base64 field; absent means empty.
bool read_bytes(const json& object, const char* field, std::string& out) {
  out.clear();
  const auto found = object.find(field);
  if (found == object.end()) return true;
  if (!found->is_string()) return false;
  auto decoded = base64_decode(found->get_ref<const std::string&>());
  if (!decoded) return false;
  out = std::move(*decoded);
  return true;
}

bool read_kv(const json& object, key_value& out) {
  return object.is_object() && read_bytes(object, "key", out.key) && read_bytes(object, "value", out.value) &&
         read_int(object, "create_revision", out.create_revision) &&
         read_int(object, "mod_revision", out.mod_revision) && read_int(object, "lease", out.lease);
}

bool read_kvs(const json& object, std::vector<key_value>& out) {
  out.clear();
  const auto found = object.find("kvs");
  if (found == object.end()) return true;
  if (!found->is_array()) return false;
  for (const auto& item : *found)
    if (!read_kv(item, out.emplace_back())) return false;
  return true;
}

std::error_code malformed(std::string& why, std::string_view what) {
  why = std::string(what);
  return error::malformed_reply;
}

// Parses `body` into `out`, or says why not: not JSON, not an object, or etcd's error
// reply, in either of its two shapes (a unary call's {"error","code","message"}, a
// stream's {"error":{"grpc_code","message"}}).
std::error_code parse_object(std::string_view body, json& out, std::string& why) {
  out = json::parse(body, nullptr, false);
  if (out.is_discarded()) return malformed(why, "not JSON");
  if (!out.is_object()) return malformed(why, "not a JSON object");
  const auto error_field = out.find("error");
  if (error_field == out.end()) return {};
  const json& details = error_field->is_object() ? *error_field : out;
  std::int64_t code = 0;
  const char* code_field = details.contains("grpc_code") ? "grpc_code" : "code";
  if (!details.contains(code_field) || !read_int(details, code_field, code) || code == 0)
    return malformed(why, "an error without a code");
  const auto message = details.find("message");
  why = message != details.end() && message->is_string() ? message->get<std::string>()
        : error_field->is_string()                       ? error_field->get<std::string>()
                                                         : std::string("no message");
  return error_from_status(static_cast<int>(code), why);
}

std::int64_t header_revision(const json& reply) {
  std::int64_t revision = 0;
  if (const auto header = reply.find("header"); header != reply.end() && header->is_object())
    read_int(*header, "revision", revision);
  return revision;
}

std::string number(std::int64_t value) { return std::to_string(value); }

}  // namespace

std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  // The smallest key greater than every key with the prefix: its last byte that can grow,
  // grown, and what follows dropped. A prefix of 0xff bytes only has no end: "\0" means
  // "to the end of the key space" in etcd.
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last < 0xff) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');
}

std::string range_request(std::string_view key, std::string_view range_end) {
  json request{{"key", base64_encode(key)}};
  if (!range_end.empty()) request["range_end"] = base64_encode(range_end);
  return request.dump();
}

std::error_code parse_range(std::string_view body, range_reply& out, std::string& why) {
  json reply;
  if (auto ec = parse_object(body, reply, why)) return ec;
  if (!read_kvs(reply, out.kvs)) return malformed(why, "a range reply with malformed keys");
  out.revision = header_revision(reply);
  return {};
}

std::string put_if_absent_request(std::string_view key, std::string_view value, std::int64_t lease) {
  const auto encoded_key = base64_encode(key);
  return json{{"compare", json::array({{{"target", "CREATE"},
                                        {"result", "EQUAL"},
                                        {"key", encoded_key},
                                        {"create_revision", "0"}}})},
              {"success", json::array({{{"request_put",
                                         {{"key", encoded_key}, {"value", base64_encode(value)}, {"lease", number(lease)}}}}})},
              {"failure", json::array({{{"request_range", {{"key", encoded_key}}}}})}}
      .dump();
}

std::error_code parse_put_if_absent(std::string_view body, put_if_absent_reply& out, std::string& why) {
  json reply;
  if (auto ec = parse_object(body, reply, why)) return ec;
  if (!read_bool(reply, "succeeded", out.succeeded)) return malformed(why, "a transaction reply without its outcome");
  out.holder.reset();
  if (out.succeeded) return {};
  // The failure branch's range: the key's holder, unless it went between compare and read
  // (it cannot: a transaction is atomic; but an empty range is no reason to fail).
  const auto responses = reply.find("responses");
  if (responses == reply.end() || !responses->is_array() || responses->empty()) return {};
  const auto& first = (*responses)[0];
  const auto range = first.find("response_range");
  if (!first.is_object() || range == first.end() || !range->is_object())
    return malformed(why, "a transaction reply without its range");
  std::vector<key_value> kvs;
  if (!read_kvs(*range, kvs)) return malformed(why, "a transaction reply with malformed keys");
  if (!kvs.empty()) out.holder = std::move(kvs.front());
  return {};
}

std::string put_request(std::string_view key, std::string_view value, std::int64_t lease) {
  return json{{"key", base64_encode(key)}, {"value", base64_encode(value)}, {"lease", number(lease)}}.dump();
}

std::string delete_if_leased_request(std::string_view key, std::int64_t lease) {
  const auto encoded_key = base64_encode(key);
  return json{{"compare", json::array({{{"target", "LEASE"}, {"result", "EQUAL"}, {"key", encoded_key},
                                        {"lease", number(lease)}}})},
              {"success", json::array({{{"request_delete_range", {{"key", encoded_key}}}}})}}
      .dump();
}

std::error_code parse_reply(std::string_view body, std::string& why) {
  json reply;
  return parse_object(body, reply, why);
}

std::string lease_grant_request(std::int64_t ttl_seconds) { return json{{"TTL", number(ttl_seconds)}}.dump(); }

std::string lease_request(std::int64_t lease) { return json{{"ID", number(lease)}}.dump(); }

std::error_code parse_lease_grant(std::string_view body, lease_reply& out, std::string& why) {
  json reply;
  if (auto ec = parse_object(body, reply, why)) return ec;
  if (!read_int(reply, "ID", out.id) || !read_int(reply, "TTL", out.ttl) || out.id == 0 || out.ttl <= 0)
    return malformed(why, "a lease grant without a lease");
  return {};
}

std::error_code parse_lease_keepalive(std::string_view body, lease_reply& out, std::string& why) {
  json reply;
  if (auto ec = parse_object(body, reply, why)) return ec;
  // A stream of one: {"result": {...}}.
  const auto result = reply.find("result");
  if (result == reply.end() || !result->is_object()) return malformed(why, "a keepalive reply without a result");
  if (!read_int(*result, "ID", out.id) || !read_int(*result, "TTL", out.ttl))
    return malformed(why, "a keepalive reply with malformed numbers");
  return {};
}

std::string authenticate_request(std::string_view user, std::string_view password) {
  return json{{"name", std::string(user)}, {"password", std::string(password)}}.dump();
}

std::error_code parse_authenticate(std::string_view body, std::string& token, std::string& why) {
  json reply;
  if (auto ec = parse_object(body, reply, why)) return ec;
  const auto found = reply.find("token");
  if (found == reply.end() || !found->is_string() || found->get_ref<const std::string&>().empty())
    return malformed(why, "an authentication reply without a token");
  token = found->get<std::string>();
  // The token goes into an HTTP header: it must not be able to break one.
  for (const char c : token)
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
      return malformed(why, "an authentication token with characters a header cannot carry");
  return {};
}

std::string status_request() { return "{}"; }

std::string watch_request(std::string_view key, std::int64_t start_revision) {
  return json{{"create_request", {{"key", base64_encode(key)}, {"start_revision", number(start_revision)}}}}.dump();
}

std::error_code parse_watch_message(std::string_view line, watch_message& out, std::string& why) {
  json message;
  if (auto ec = parse_object(line, message, why)) return ec;
  const auto result = message.find("result");
  if (result == message.end() || !result->is_object()) return malformed(why, "a watch message without a result");
  out = {};
  if (!read_bool(*result, "created", out.created) || !read_bool(*result, "canceled", out.canceled))
    return malformed(why, "a watch message with malformed flags");
  out.revision = header_revision(*result);
  if (out.canceled) {
    const auto reason = result->find("cancel_reason");
    why = reason != result->end() && reason->is_string() ? reason->get<std::string>() : "canceled by etcd";
  }
  const auto events = result->find("events");
  if (events == result->end()) return {};
  if (!events->is_array()) return malformed(why, "a watch message with malformed events");
  for (const auto& item : *events) {
    auto& event = out.events.emplace_back();
    if (!item.is_object()) return malformed(why, "a watch event that is not an object");
    const auto type = item.find("type");
    if (type != item.end()) {
      if (!type->is_string()) return malformed(why, "a watch event of no known type");
      const auto& name = type->get_ref<const std::string&>();
      if (name == "DELETE") event.deleted = true;
      else if (name != "PUT") return malformed(why, "a watch event of no known type");
    }
    const auto kv = item.find("kv");
    if (kv == item.end() || !read_kv(*kv, event.kv)) return malformed(why, "a watch event with a malformed key");
  }
  return {};
}

}  // namespace imchat::directory::etcd
