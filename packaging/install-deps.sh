#!/usr/bin/env bash
# Installs every Debian 12 package imchat needs to build, test, fuzz, package (as a .deb)
# and read its man page. Idempotent and fast when there is nothing to do: packages already
# installed are checked with dpkg-query, and apt-get (update included) only runs for
# missing ones.
# Needs root to install; uses sudo when run as another user and sudo exists.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config   # the build
  libboost-dev libboost-program-options-dev             # Asio, Program_options
  libspdlog-dev libfmt-dev                              # logging
  libssl-dev                                            # TLS (keys): OpenSSL 3
  libsqlite3-dev sqlite3                                # a room's log; reading it in tests
  libncurses-dev                                        # imchat chat: ncursesw
  nlohmann-json3-dev                                    # the directory on etcd: its JSON
  etcd-server etcd-client openssl                       # tests: etcd clusters, their TLS
  tzdata                                                # local times (display --since) in tests
  doctest-dev                                           # unit and black-box tests
  clang libclang-rt-14-dev                              # the fuzzer (libFuzzer runtime)
  iproute2 tmux                                         # network namespaces; terminal tests
  mandoc man-db                                         # man page lint and display
  systemd                                               # systemd-analyze: unit checks
  debhelper lintian                                     # the .deb: build-deb.sh, its checks
  python3                                               # test and tooling scripts
)

missing=()
for package in "${packages[@]}"; do
  # "installed" only: removed-but-configured ("config-files") packages count as missing.
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [[ $status == installed ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

as_root=()
if ((EUID != 0)); then
  if ! command -v sudo >/dev/null; then
    echo "install-deps: must run as root to install: ${missing[*]}" >&2
    exit 1
  fi
  as_root=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
# Quiet, but keep apt's output so a failure can be explained.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
apt_get=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y
         -o DPkg::Lock::Timeout=300)  # wait for another apt (unattended-upgrades) to finish
if ! { "${apt_get[@]}" update && "${apt_get[@]}" install --no-install-recommends "${missing[@]}"; } \
    >"$log" 2>&1 </dev/null; then
  cat "$log" >&2
  echo "install-deps: apt-get failed" >&2
  exit 1
fi
# Debian's etcd-server enables and starts a single-member etcd on localhost:2379. The tests
# start clusters of their own, and an operator who wants the service sets it up: the one
# this script brought is stopped and disabled (one already installed is left as it was).
if [[ " ${missing[*]} " == *" etcd-server "* ]] && [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
  "${as_root[@]}" systemctl disable --now etcd.service >/dev/null 2>&1 || true
  echo "install-deps: etcd-server's own service is disabled (the tests start clusters of their own)"
fi
echo "install-deps: done"
