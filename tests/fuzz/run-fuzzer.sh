#!/usr/bin/env bash
# Builds the fuzzers with clang (libFuzzer + ASan + UBSan) in their own build directory
# and runs each for a bounded time over a copy of its checked-in seed corpus: the wire
# codec (tests/fuzz/corpus), the text parsers and escaper (tests/fuzz/text-corpus), the
# directory's sessions (tests/fuzz/session-corpus), what an etcd member replies
# (tests/fuzz/etcd-corpus), a room's ATTACH and streams
# (tests/fuzz/room-corpus).
#
#   tests/fuzz/run-fuzzer.sh [SECONDS]      (default $IMCHAT_FUZZ_SECONDS, else 60; per target)
#
# Environment: BUILD_DIR (default build-fuzz, relative to the repository root),
# JOBS (build parallelism, default $IMCHAT_JOBS, else 2), as tests/run.sh sets them.
# Exits non-zero if the build fails or the fuzzer finds a crash, a leak, a timeout or a
# broken invariant; the offending input is left in $BUILD_DIR/artifacts/.
set -euo pipefail

seconds="${1:-${IMCHAT_FUZZ_SECONDS:-60}}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [[ "$seconds" -eq 0 ]]; then
  echo "usage: $0 [SECONDS]   (a positive whole number of seconds, default 60)" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir="${BUILD_DIR:-build-fuzz}"
[[ "$build_dir" = /* ]] || build_dir="$root/$build_dir"
jobs="${JOBS:-${IMCHAT_JOBS:-2}}"

# The test suites need doctest and are not part of the fuzzer: leave them out.
CXX=clang++ cmake -S "$root" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIMCHAT_FUZZ=ON -DIMCHAT_TESTS=OFF >/dev/null
targets=(frame_decoder_fuzzer text_fuzzer etcd_reply_fuzzer directory_session_fuzzer room_attach_fuzzer)
cmake --build "$build_dir" -j"$jobs" --target "${targets[@]}"

# fuzz TARGET SEEDS: runs TARGET for the time given over a fresh copy of the checked-in
# SEEDS, since libFuzzer adds the inputs it finds to its first corpus directory and the
# seeds must stay as they are.
artifacts="$build_dir/artifacts"
rm -rf "$artifacts"
mkdir -p "$artifacts"  # whatever is in artifacts/ afterwards was found by this run
fuzz() {
  local target=$1 seeds=$2 work_corpus="$build_dir/corpus-$1"
  rm -rf "$work_corpus"
  mkdir -p "$work_corpus"
  cp "$seeds"/* "$work_corpus"/
  echo "fuzzing $target for ${seconds}s over $(ls "$work_corpus" | wc -l) seed inputs"
  "$build_dir/tests/fuzz/$target" \
    -max_total_time="$seconds" \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -print_final_stats=1 \
    -artifact_prefix="$artifacts/" \
    "$work_corpus"
}

fuzz frame_decoder_fuzzer "$root/tests/fuzz/corpus"
fuzz text_fuzzer "$root/tests/fuzz/text-corpus"
fuzz etcd_reply_fuzzer "$root/tests/fuzz/etcd-corpus"
fuzz directory_session_fuzzer "$root/tests/fuzz/session-corpus"
fuzz room_attach_fuzzer "$root/tests/fuzz/room-corpus"
