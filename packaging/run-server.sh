#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running imchat directory server:
# installs the dependencies, builds (RelWithDebInfo, in build/) and runs
# `imchat server` in the foreground. Arguments go to `imchat server`.
#   sudo packaging/run-server.sh [--log-level debug] [PORT]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packaging/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "${IMCHAT_JOBS:-2}"
exec ./build/imchat server "$@"
