#!/usr/bin/env bash
# bench/wait_outputs.py, the pipeline's clock, on files that grow to the end and on
# files that stop short.
set -euo pipefail
wait_outputs=$(dirname "$0")/../../bench/wait_outputs.py
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
printf 'warm\n' >"$dir/a"; : >"$dir/b"
# Complete: each file grows by 100 bytes past its base; the time printed is when the
# last one got there (after the writes below began, not before).
before=$(date +%s.%N)
python3 "$wait_outputs" 100 5 "$dir/a=5" "$dir/b=0" >"$dir/complete" &
watcher=$!
sleep 0.2
head -c 100 /dev/zero >>"$dir/a"
sleep 0.2
head -c 60 /dev/zero >>"$dir/b"
sleep 0.2
kill -0 "$watcher" 2>/dev/null || fail "it ended before every file was complete: $(cat "$dir/complete")"
written=$(date +%s.%N)
head -c 40 /dev/zero >>"$dir/b"
wait "$watcher"
done_at=$(cat "$dir/complete")
python3 -c "import sys; b, w, d = map(float, sys.argv[1:]); sys.exit(0 if b < w <= d < w + 1 else 1)" \
  "$before" "$written" "$done_at" || fail "completion time $done_at is not just after the last write at $written"
# Short: b stops at 60 of 100 bytes; after the stall it reports what the least lacks.
: >"$dir/c"; : >"$dir/d"
head -c 100 /dev/zero >>"$dir/c"; head -c 60 /dev/zero >>"$dir/d"
got=$(python3 "$wait_outputs" 100 0.3 "$dir/c=0" "$dir/d=0")
[[ $got == "lost:40%" ]] || fail "a short output gave '$got', expected 'lost:40%'"
echo "wait_outputs: all cases as expected"
