#!/usr/bin/env bash
# bench/check_lines.py, the pipeline's line check, on outputs made to pass and to fail.
set -euo pipefail
check=$(dirname "$0")/../../bench/check_lines.py
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
stamp="Thu Dec  3 18:00:00 2026"
line() { printf '%s u: %08d%056d\n' "$stamp" "$1" 0; }
expect() {  # VERDICT-START FILE SKIP COUNT
  local got
  got=$(python3 "$check" "$2" "$3" "$4" || true)
  [[ $got == "$1"* ]] || { echo "FAIL: $2 skip $3 count $4: got '$got', expected '$1...'"; exit 1; }
}
{ printf '%s u: warm\n' "$stamp"; for i in 0 1 2; do line "$i"; done; printf '%s u: warm\n' "$stamp"; line 3; } >"$dir/good"
expect ok "$dir/good" 1 4
{ line 0; line 1; line 3; } >"$dir/missing"
expect "2 of 4 lines in order, 1 out of place" "$dir/missing" 0 4
{ line 0; line 1; line 1; line 2; } >"$dir/doubled"
expect "3 of 3 lines in order, 1 out of place" "$dir/doubled" 0 3
{ line 1; line 0; } >"$dir/swapped"
expect "1 of 2 lines in order" "$dir/swapped" 0 2
{ line 0; line 1; line 2; } >"$dir/extra"
expect "2 of 2 lines in order, 1 out of place" "$dir/extra" 0 2
{ line 0; printf 'garbage\n'; line 1; } >"$dir/garbage"
expect "2 of 2 lines in order, 1 out of place" "$dir/garbage" 0 2
echo "check_lines: all cases as expected"
