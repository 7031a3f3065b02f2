#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running chatroom: installs the
# dependencies, builds (RelWithDebInfo, in build/) and runs `imchat room` in the
# foreground with the directory embedded, so that nothing else needs starting.
# Arguments go to `imchat room`; without any, the room is called "lobby".
#   packaging/run-room.sh                           # the room "lobby" on this host (as root)
#   packaging/run-room.sh cheese '*:5555' '*:5556'
# Then, in two more terminals:  build/imchat display lobby   and   build/imchat prompt lobby NAME
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packaging/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "${IMCHAT_JOBS:-2}"
if [ $# -eq 0 ]; then set -- lobby; fi
exec ./build/imchat room "$@" --embedded-directory
