#!/usr/bin/env bash
# The examples against the installed library, as a user of libimchat-dev builds them:
#
#   tests/examples/run-examples.sh DEV_DEB IMCHAT
#
# Installs DEV_DEB (libimchat-dev_*.deb) for real with apt-get (root, or sudo: CI runs
# on a throwaway machine), checks that every installed header compiles on its own,
# copies examples/ to a scratch directory outside the source tree and builds it with
# CMake (find_package(imchat)), builds display.cpp once more with
# `pkg-config --cflags --libs imchat`, then runs them together once: a directory
# (`IMCHAT server`, the tree's program), the example chatroom, both displays and the
# example prompt, and checks that each display printed each line, timestamped, with
# the user's name. tests/run.sh's `examples` stage runs it.
set -euo pipefail

if (($# != 2)); then
  echo "usage: tests/examples/run-examples.sh DEV_DEB IMCHAT" >&2
  exit 2
fi
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dev_deb=$(realpath "$1")
imchat=$(realpath "$2")
jobs=${IMCHAT_JOBS:-2}

fail() {
  echo "run-examples: FAILED: $*" >&2
  exit 1
}
step() { echo "run-examples: $*"; }

[[ -f $dev_deb ]] || fail "no package $1"
[[ -x $imchat ]] || fail "no program $2 (the build stage makes build/imchat)"

scratch=$(mktemp -d /tmp/imchat-examples.XXXXXX)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

# --- install -------------------------------------------------------------------------
as_root=()
if ((EUID != 0)); then
  command -v sudo >/dev/null || fail "installing $dev_deb needs root (or sudo)"
  as_root=(sudo)
fi
step "installing $dev_deb"
if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -q -y \
    -o DPkg::Lock::Timeout=300 "$dev_deb" >"$scratch/apt.log" 2>&1 </dev/null; then
  cat "$scratch/apt.log" >&2
  fail "apt-get install $dev_deb"
fi
[[ $(dpkg-query -W -f='${Version}' libimchat-dev) == "$(dpkg-deb --field "$dev_deb" Version)" ]] ||
  fail "libimchat-dev is not installed at the version of $dev_deb"

step "every installed header compiles on its own"
bash "$repo/tests/library/check-installed-headers.sh" /usr || fail "installed headers"

# --- build ---------------------------------------------------------------------------
cp -r "$repo/examples" "$scratch/src"
step "building the examples with CMake in $scratch (find_package(imchat))"
# Warnings are errors here too: the installed headers must not warn in a user's build.
if ! { cmake -S "$scratch/src" -B "$scratch/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
         -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wpedantic -Werror" &&
       cmake --build "$scratch/build" -j "$jobs"; } >"$scratch/cmake.log" 2>&1; then
  cat "$scratch/cmake.log" >&2
  fail "building the examples with CMake"
fi
imchat_dir=$(sed -n 's/^imchat_DIR:PATH=//p' "$scratch/build/CMakeCache.txt")
[[ $imchat_dir == /usr/lib/*/cmake/imchat ]] ||
  fail "find_package(imchat) found '$imchat_dir', not the installed package"

step "building display.cpp with pkg-config"
# shellcheck disable=SC2046  # pkg-config prints a list of flags
if ! c++ -std=c++20 -Wall -Wextra -Wpedantic -Werror "$scratch/src/display.cpp" \
    $(pkg-config --cflags --libs imchat) -o "$scratch/display-pc" 2>"$scratch/pc.log"; then
  cat "$scratch/pc.log" >&2
  fail "c++ display.cpp \$(pkg-config --cflags --libs imchat)"
fi

# --- run -----------------------------------------------------------------------------
bin=$scratch/build
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
directory=127.0.0.1:$port
room=examples

# wait_until SECONDS WHAT COMMAND...: runs COMMAND every 50 ms until it succeeds.
wait_until() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}
alive() {
  local pid=$1 name=$2
  kill -0 "$pid" 2>/dev/null || { cat "$scratch/$name.err" >&2; fail "$name exited early"; }
}

step "directory on $directory"
"$imchat" server --listen 127.0.0.1 "$port" 2>"$scratch/server.err" &
pids+=($!)
wait_until 10 "the directory" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null ||
  { cat "$scratch/server.err" >&2; fail "the directory did not listen on $directory within 10 s"; }

step "chatroom $room"
# The kernel logs through spdlog's default logger, on standard output.
"$bin/chatroom" "$directory" "$room" 127.0.0.1 127.0.0.1 >"$scratch/chatroom.err" 2>&1 &
pids+=($!)
chatroom_pid=$!
registered() {
  alive "$chatroom_pid" chatroom
  local names
  names=$("$imchat" server --list --directory "$directory" 2>/dev/null) || return 1
  [[ $names == *"Q_$room"* && $names == *"E_$room"* ]]
}
wait_until 10 "the room" registered ||
  { cat "$scratch/chatroom.err" >&2; fail "the chatroom did not register Q_$room and E_$room within 10 s"; }

step "displays (CMake-built and pkg-config-built)"
"$bin/display" "$directory" "$room" >"$scratch/display.out" 2>"$scratch/display.err" &
pids+=($!)
display_pid=$!
"$scratch/display-pc" "$directory" "$room" >"$scratch/display-pc.out" 2>"$scratch/display-pc.err" &
pids+=($!)
display_pc_pid=$!

# A display prints only what is published after it is bound: probe lines until both
# have printed one, then the test's lines.
probe=0
probed() {
  alive "$display_pid" display
  alive "$display_pc_pid" display-pc
  probe=$((probe + 1))
  echo "probe $probe" | "$bin/prompt" "$directory" "$room" probe >>"$scratch/prompt.err" 2>&1 ||
    { cat "$scratch/prompt.err" >&2; fail "prompt (probe) exited non-zero"; }
  grep -q 'probe: probe' "$scratch/display.out" && grep -q 'probe: probe' "$scratch/display-pc.out"
}
wait_until 15 "the displays" probed ||
  fail "the displays printed no probe line within 15 s:
display: $(cat "$scratch/display.out" "$scratch/display.err")
display-pc: $(cat "$scratch/display-pc.out" "$scratch/display-pc.err")"

step "prompt"
lines=("hello from the examples" "a second line, with 'quotes' and a tab:	end" $'an escape \e[31m, not red')
# What the displays show: the same, with what could drive a terminal escaped.
shown=("hello from the examples" "a second line, with 'quotes' and a tab:\\x09end" "an escape \\x1b[31m, not red")
printf '%s\n' "${lines[@]}" | "$bin/prompt" "$directory" "$room" kofi >"$scratch/prompt.err" 2>&1 ||
  { cat "$scratch/prompt.err" >&2; fail "prompt exited non-zero"; }

# ctime's "Thu Nov 26 22:38:56 2026", then the user's name and the line.
stamp='[A-Z][a-z][a-z] [A-Z][a-z][a-z] [ 0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]{4}'
printed_all() {
  local output line
  for output in "$scratch/display.out" "$scratch/display-pc.out"; do
    for line in "${shown[@]}"; do
      grep -qxF -- "$line" <(sed -nE "s/^$stamp kofi: //p" "$output") || return 1
    done
  done
}
wait_until 10 "the lines" printed_all ||
  fail "the displays did not print every line as 'TIMESTAMP kofi: LINE' within 10 s:
display:
$(cat "$scratch/display.out")
display-pc:
$(cat "$scratch/display-pc.out")"
step "passed: each display printed:"
grep ' kofi: ' "$scratch/display.out" | sed 's/^/  /'
