// libFuzzer target for what an etcd member (or whoever answers in its place) sends the
// etcd directory: every reply body goes to every parser of etcd_codec, each line of it to
// the watch parser, and the body as a record's value to etcd_record. None may crash, read
// out of bounds or hang; a parse that succeeds must give what it promises (a record that
// decodes is one the built-in directory would store, and goes round through its encoding
// unchanged; a token can go in a header). Built and run by run-fuzzer.sh; the corpus
// (etcd-corpus/) is replayed by ctest (fuzz_corpus.etcd_reply_fuzzer).

#include "directory/etcd/etcd_codec.hpp"
#include "directory/etcd/etcd_record.hpp"
#include "directory/registry.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace imchat::directory::etcd;

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "etcd reply invariant violated: %s\n", what);
  std::abort();
}

void check_record(std::string_view value) {
  imchat::wire::record record;
  std::string why;
  if (!decode_record("/imchat/", "/imchat/Q_x", value, record, why)) {
    if (why.empty()) broken("a refused record without a reason");
    return;
  }
  if (!imchat::directory::record_problem(record, {}).empty()) broken("a record taken that the directory would refuse");
  imchat::wire::record again;
  if (!decode_record("/imchat/", "/imchat/Q_x", encode_record_value(record), again, why) || again != record)
    broken("a record does not go round through its encoding");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  std::string why;
  range_reply range;
  (void)parse_range(body, range, why);
  put_if_absent_reply put;
  if (!parse_put_if_absent(body, put, why) && put.succeeded && put.holder) broken("a put that succeeded has a holder");
  lease_reply lease;
  if (!parse_lease_grant(body, lease, why) && (lease.id == 0 || lease.ttl <= 0)) broken("a grant without a lease");
  (void)parse_lease_keepalive(body, lease, why);
  std::string token;
  if (!parse_authenticate(body, token, why))
    for (const char c : token)
      if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
        broken("a token a header cannot carry");
  (void)parse_reply(body, why);
  for (std::size_t start = 0; start <= body.size();) {
    const auto end = body.find('\n', start);
    watch_message message;
    (void)parse_watch_message(body.substr(start, end == std::string_view::npos ? body.npos : end - start), message, why);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  check_record(body);
  return 0;
}
