#!/usr/bin/env bash
# bench/figures.py, how bench/run.sh makes one figure of several runs, on made-up runs.
set -euo pipefail
figures=$(dirname "$0")/../../bench/figures.py
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
expect() {  # EXPECTED COMMAND ARGS...
  local want=$1 got
  shift
  got=$(python3 "$figures" "$@") || { echo "FAIL: figures.py $*: exited $?"; exit 1; }
  [[ $got == "$want" ]] || { echo "FAIL: figures.py $*: got '$got', expected '$want'"; exit 1; }
}
expect 2.5 median 9.0 2.5 1.25 3 2.0        # the middle one, as given
expect 2.0 median 9.0 2.5 1.25 2.0          # an even count: the lower middle, a measured value
expect 7 median 7
expect "lost:12%(2/5)" median 1.0 lost:12% 2.0 lost:3% 1.5   # a failed run is never averaged away
expect "wrong-lines(1/3)" median 1.0 2.0 wrong-lines
expect "n/a" median
for rate in 300 100 200 500 400; do
  printf '{"delivered_per_second": %s, "lost": %s}\n' "$rate" "$((rate / 100))" >"$dir/run-$rate.json"
done
expect "$dir/run-300.json" median-file "$dir"/run-*.json
expect 15 total lost "$dir"/run-*.json
expect 0 total gaps "$dir"/run-*.json       # a key no run has counts nothing
if python3 "$figures" median-file 2>/dev/null; then echo "FAIL: median-file with no results succeeded"; exit 1; fi
echo "figures: all cases as expected"
