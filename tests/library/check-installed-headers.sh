#!/usr/bin/env bash
# Compiles every header installed under PREFIX/include/imchat/ on its own, with only the
# flags PREFIX's imchat.pc gives (the installed tree, not src/), so that a header that
# the public API includes but that was not installed, or one that does not compile on
# its own, fails:
#
#   tests/library/check-installed-headers.sh /usr               # libimchat-dev, installed
#   tests/library/check-installed-headers.sh --install build    # installs build/'s
#       component Development into build/installed-library/ first (ctest does this)
#
# CXX (default c++) is the compiler. Exits non-zero naming each header that failed.
set -euo pipefail

if [[ ${1:-} == --install && $# == 2 ]]; then
  build=$(cd "$2" && pwd)
  prefix=$build/installed-library
  rm -rf "$prefix"
  cmake --install "$build" --component Development --prefix "$prefix" >/dev/null
elif (($# == 1)); then
  prefix=$(cd "$1" && pwd)
else
  echo "usage: check-installed-headers.sh PREFIX | --install BUILD_DIR" >&2
  exit 2
fi
cxx=${CXX:-c++}
include=$prefix/include/imchat

pc_dirs=$(find "$prefix/lib" -maxdepth 3 -name imchat.pc -path '*/pkgconfig/*' -printf '%h:' 2>/dev/null || true)
if [[ -z $pc_dirs ]]; then
  echo "check-installed-headers: no imchat.pc under $prefix/lib" >&2
  exit 1
fi
cflags=$(PKG_CONFIG_PATH=$pc_dirs pkg-config --define-variable=prefix="$prefix" --cflags imchat)
if [[ $cflags != *"-I$include"* ]]; then
  echo "check-installed-headers: imchat.pc's Cflags ($cflags) do not name $include" >&2
  exit 1
fi

mapfile -t headers < <(cd "$include" && find . -name '*.hpp' -printf '%P\n' | sort)
if [[ ! -f $include/imchat.hpp ]]; then
  echo "check-installed-headers: $include/imchat.hpp is not installed" >&2
  exit 1
fi

# An empty working directory: the included file is found through -I or not at all.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
failed=()
for header in "${headers[@]}"; do
  # shellcheck disable=SC2086  # cflags is a list of flags
  if ! printf '#include "%s"\n' "$header" |
      "$cxx" -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Werror $cflags -x c++ - 2>"$scratch/err"; then
    echo "check-installed-headers: $header does not compile on its own against $include:" >&2
    cat "$scratch/err" >&2
    failed+=("$header")
  fi
done
if ((${#failed[@]})); then
  echo "check-installed-headers: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "check-installed-headers: all ${#headers[@]} headers in $include compile on their own"
