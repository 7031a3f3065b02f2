#pragma once
// Base64 (RFC 4648, the standard alphabet, with padding): how etcd's JSON gateway carries
// keys and values. Decoding is strict, since the text comes from the network: a character
// outside the alphabet, a wrong length or misplaced padding is refused.

#include <optional>
#include <string>
#include <string_view>

namespace imchat {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace imchat
