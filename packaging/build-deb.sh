#!/usr/bin/env bash
# Builds the Debian packages of the source package imchat into OUTPUT_DIR, offline:
# imchat_VERSION_ARCH.deb (the program), libimchat-dev_VERSION_ARCH.deb (the kernel as a
# library) and imchat's -dbgsym package, with the .buildinfo and .changes. Prints the
# imchat .deb's path as its last line (tests/run.sh reads it; the other .debs are next
# to it):
#
#   packaging/build-deb.sh /tmp/out
#   sudo apt install /tmp/out/imchat_0.1.0_amd64.deb
#   sudo apt install /tmp/out/libimchat-dev_0.1.0_amd64.deb
#
# Needs debian/control's Build-Depends and debhelper (packaging/install-deps.sh installs
# them). First checks that debian/changelog has the version of CMakeLists.txt's project().
#
# dpkg-buildpackage writes next to the source tree, which would be the checkout's parent,
# so the build runs in a copy in build-deb/ (of the files git tracks or would track, so
# uncommitted edits are in). That path stays the same from one build to the next, and
# CCACHE_DIR is passed on (debhelper points HOME elsewhere), so ccache makes rebuilds fast.
# The full output goes to OUTPUT_DIR/build.log; its end is printed if the build fails.
# IMCHAT_JOBS (default 2) caps parallelism, because the machine is shared.
set -euo pipefail

if (($# != 1)); then
  echo "usage: packaging/build-deb.sh OUTPUT_DIR" >&2
  exit 2
fi
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)

# One version: CMakeLists.txt's, which `imchat --version` prints; the changelog follows it.
version=$(sed -nE 's/^project\(imchat VERSION ([0-9.]+).*/\1/p' "$repo/CMakeLists.txt")
changelog_version=$(dpkg-parsechangelog -l "$repo/debian/changelog" -S Version)
if [[ -z $version || $version != "$changelog_version" ]]; then
  echo "build-deb: CMakeLists.txt says version '$version' but debian/changelog says" \
       "'$changelog_version': add a debian/changelog entry for $version" >&2
  exit 1
fi
arch=$(dpkg-architecture -qDEB_HOST_ARCH)

work=$repo/build-deb
source_dir=$work/imchat-$version
rm -rf "$work"
mkdir -p "$source_dir"
if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked and untracked-but-not-ignored files that exist (not ones deleted but not
  # yet committed as deleted): what the next commit would hold, build output excluded.
  git -C "$repo" ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' file; do
      if [[ -e $repo/$file || -L $repo/$file ]]; then printf '%s\0' "$file"; fi
    done |
    tar -C "$repo" --null --no-recursion -T - -cf - | tar -C "$source_dir" -xf -
else
  tar -C "$repo" --exclude='./build*' --exclude=./.git --exclude=./.cache -cf - . |
    tar -C "$source_dir" -xf -
fi

if command -v ccache >/dev/null; then
  CCACHE_DIR=${CCACHE_DIR:-$(ccache --get-config cache_dir)}
  export CCACHE_DIR
fi
export DEB_BUILD_OPTIONS="parallel=${IMCHAT_JOBS:-2} ${DEB_BUILD_OPTIONS:-}"

log=$out/build.log
echo "build-deb: building imchat $version for $arch in $source_dir (log: $log)"
start=$SECONDS
if ! (cd "$source_dir" && dpkg-buildpackage -b -us -uc) >"$log" 2>&1 </dev/null; then
  tail -n 60 "$log" >&2
  echo "build-deb: dpkg-buildpackage failed; the whole log is $log" >&2
  exit 1
fi

deb=imchat_${version}_${arch}.deb
for package in "$deb" "libimchat-dev_${version}_${arch}.deb"; do
  if [[ ! -f $work/$package ]]; then
    echo "build-deb: dpkg-buildpackage did not make $package; the whole log is $log" >&2
    exit 1
  fi
done
mv -f "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes "$out"/
rm -rf "$work"
echo "build-deb: built in $((SECONDS - start)) s:" \
  "$(cd "$out" && ls imchat*_"$version"_* libimchat-dev_"$version"_* | tr '\n' ' ')"
echo "$out/$deb"
