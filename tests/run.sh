#!/usr/bin/env bash
# THE test command: what CI runs, and what to run before pushing.
#
#   bash tests/run.sh [CTEST_ARGS...]
#
# Stages, each run even if an earlier one failed (but not without dependencies):
#   deps   packaging/install-deps.sh                       skip with IMCHAT_SKIP_DEPS=1
#   build  RelWithDebInfo build in build/, every test
#   deb    packaging/build-deb.sh into build/deb/ (imchat and libimchat-dev), lintian,
#          then the debian-labelled tests on those .debs (IMCHAT_DEB set), then the
#          hostile-peer suites against the package's binary (IMCHAT_TEST_BINARY set)
#                                                         skip with IMCHAT_SKIP_DEB=1
#   examples  tests/examples/run-examples.sh: installs build/deb/'s libimchat-dev (apt-get,
#          as root), builds examples/ against it outside the tree and runs them
#          (skipped with the deb stage, or with IMCHAT_SKIP_EXAMPLES=1)
#   asan   ASan+UBSan build in build-asan/, every test    skip with IMCHAT_SKIP_ASAN=1
#   tsan   ThreadSanitizer build in build-tsan/, only the kernel and chat tests (ctest
#          -L '^(kernel|chat)': the kernel's unit tests, the chat black-box tests, and
#          the few kernel black-box and chat unit tests those labels take in too)
#                                                         skip with IMCHAT_SKIP_TSAN=1
#   fuzz   tests/fuzz/run-fuzzer.sh, if it exists, for IMCHAT_FUZZ_SECONDS (default 60;
#          0 skips it)
# CTEST_ARGS go to every ctest run but the deb stage's: `IMCHAT_SKIP_ASAN=1
# IMCHAT_SKIP_TSAN=1 bash tests/run.sh -R cli` is a quick local check (the tsan stage
# fails when CTEST_ARGS leave none of its tests). IMCHAT_JOBS (default 2) caps build and
# test parallelism, because the machine is shared. Ends with a summary; exits non-zero if any stage failed.
#
# Skipped tests: the build, asan and tsan stages leave the debian-labelled tests to the deb
# stage (-LE debian; they run there on the package, or nowhere with IMCHAT_SKIP_DEB=1 and
# no IMCHAT_DEB). With CI=true a test that reports itself skipped fails its stage unless
# a line of tests/allowed-skips.txt allows it, with a reason; the deb stage allows none.
# The summary lists every skip and its reason.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jobs=${IMCHAT_JOBS:-2}
fuzz_seconds=${IMCHAT_FUZZ_SECONDS:-60}
ctest_args=("$@")

results=()  # one "PASS|FAIL|SKIP  stage  (detail)" line per stage, for the summary
skips=()    # one line per skipped test, with the reason it may skip (or that it may not)
failures=() # one "STAGE LOG" pair per ctest run that failed, for the summary's excerpts
failed=0
allowed_skips=tests/allowed-skips.txt
selection=() # the ctest selection of the tests a stage runs; the tsan stage narrows it

# run_stage NAME COMMAND...: runs one stage and records its outcome and duration.
run_stage() {
  local name=$1 start=$SECONDS
  shift
  echo
  echo "=== $name: $*"
  if "$@"; then
    results+=("PASS  $name  ($((SECONDS - start)) s)")
  else
    results+=("FAIL  $name  ($((SECONDS - start)) s)")
    failed=1
  fi
}

skip_stage() { results+=("SKIP  $1  ($2)"); }

print_summary() {
  echo
  echo "=== summary: $((SECONDS / 60)) min $((SECONDS % 60)) s in all"
  printf '  %s\n' "${results[@]}"
  if ((${#skips[@]})); then
    echo "skipped tests (allowed only as $allowed_skips says):"
    printf '  %s\n' "${skips[@]}"
  fi
  # Last, so that whoever reads only the end of a CI log sees what failed and why.
  local entry
  for entry in "${failures[@]}"; do
    failed_test_excerpts ${entry}
  done
  if ((failed)); then
    echo "tests/run.sh: FAILED"
  else
    echo "tests/run.sh: all passed"
  fi
}

# The stages use `|| return` rather than relying on set -e, which bash switches off
# inside a function called as an `if` condition.

# run_ctest LOG CTEST_ARGS...: runs ctest, its output also into LOG; ctest's status.
run_ctest() {
  local log=$1
  shift
  ctest "$@" 2>&1 | tee "$log"
  return "${PIPESTATUS[0]}"
}

# failed_test_excerpts STAGE LOG: each test LOG reports failed, with the first lines of
# the output ctest printed for it (--output-on-failure prints it in one block after the
# test's result line, even with -j).
failed_test_excerpts() {
  local stage=$1 log=$2 number
  [[ -f $log ]] || return 0
  while IFS= read -r number; do
    echo "failed in $stage: test $number, the end of its output ($log has all of it):"
    # The first 60 lines, and a sanitizer report's access and its first frames wherever
    # they are (awk stops itself: a head would end it with SIGPIPE, and set -e the script).
    awk -v n="$number" '
      $0 ~ "Test +#" n ":" { inside = 1; print "    " $0; next }
      inside && /^ *(Start +[0-9]+:|[0-9]+\/[0-9]+ Test +#|[0-9]+% tests passed)/ { exit }
      inside && /(READ|WRITE) of size|ERROR: (Address|Thread|Undefined)Sanitizer|SUMMARY: / { report = 16 }
      inside && (++shown <= 60 || report-- > 0) { print "    " $0 }' "$log"
  done < <(awk '/^The following tests FAILED:/ { listed = 1; next }
                 listed && /^[[:space:]]+[0-9]+ - / { print $1; next }
                 listed { exit }' "$log")
}

# skipped_tests LOG: the tests a ctest run reported skipped, one name a line.
skipped_tests() {
  sed -n 's/^[[:space:]]*[0-9][0-9]* - \(.*\) (Skipped)$/\1/p' "$1"
}

# skip_reason NAME: the reason the first line of $allowed_skips whose pattern (a bash
# glob) matches NAME gives; fails when no line does.
skip_reason() {
  local name=$1 pattern reason
  [[ -f $allowed_skips ]] || return 1
  while IFS=$'\t' read -r pattern reason || [[ -n $pattern ]]; do
    [[ -z $pattern || $pattern == '#'* ]] && continue
    # shellcheck disable=SC2053  # the pattern is a glob on purpose
    if [[ $name == $pattern ]]; then
      echo "${reason:-no reason given}"
      return 0
    fi
  done <"$allowed_skips"
  return 1
}

# check_skips STAGE LOG [none]: records each test LOG reports skipped for the summary; with
# CI=true fails if one is not allowed ($allowed_skips, or no skip at all with `none`).
check_skips() {
  local stage=$1 log=$2 allow=${3:-listed} name reason disallowed=0
  while IFS= read -r name; do
    if [[ $allow != none ]] && reason=$(skip_reason "$name"); then
      skips+=("$stage: $name -- allowed: $reason")
    else
      if [[ ${CI:-} == true ]]; then
        skips+=("$stage: $name -- NOT ALLOWED: fails the stage")
      else
        skips+=("$stage: $name -- not allowed: would fail the stage with CI=true")
      fi
      disallowed=1
    fi
  done < <(skipped_tests "$log")
  if ((disallowed)) && [[ ${CI:-} == true ]]; then
    echo "$stage: tests were skipped that may not skip in CI (see $allowed_skips)" >&2
    return 1
  fi
}

# build_and_test STAGE BUILD_DIR CMAKE_ARGS...: configures, builds and runs the whole
# suite but the debian tests (the deb stage's); a caller's `local -a selection=(CTEST_ARGS)`
# narrows that down (the tsan stage's -L).
build_and_test() {
  local stage=$1 dir=$2 status=0
  shift 2
  cmake -S . -B "$dir" -G Ninja "$@" || return
  cmake --build "$dir" -j "$jobs" || return
  # Without a .deb the debian tests could only report themselves skipped.
  local exclude=()
  [[ -n ${IMCHAT_DEB:-} ]] || exclude=(-LE debian)
  # --no-tests=error: a suite that silently lost its tests must not pass.
  # --timeout: a default for tests that set none; a hung test fails instead of hanging CI.
  run_ctest "$dir/ctest.log" --test-dir "$dir" --output-on-failure --no-tests=error --timeout 300 \
    -j "$jobs" "${exclude[@]}" "${selection[@]}" "${ctest_args[@]}" || status=$?
  ((status == 0)) || failures+=("$stage $dir/ctest.log")
  check_skips "$stage" "$dir/ctest.log" || status=1
  return "$status"
}

# The suites of tests that play a hostile peer, which the deb stage runs again against
# the packaged binary (a ctest label regex).
hostile_labels='^(chat: hostile peers|chat: robustness|directory)$'

normal_stage() {
  build_and_test build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
}

deb_stage() {
  # The package build compiles the program once more, with Debian's flags (ccache makes
  # a rebuild quick); its tests need build/'s test binary, which the build stage made.
  local output deb
  output=$(IMCHAT_JOBS=$jobs packaging/build-deb.sh build/deb) || return
  echo "$output"
  deb=${output##*$'\n'}  # build-deb.sh prints the .deb's path last
  dev_deb=${deb%/*}/libimchat-dev_${deb##*/imchat_}  # next to it, for the examples stage
  # The warnings, for the log; the tests fail on errors.
  lintian "$deb" "$dev_deb" || return
  # Without IMCHAT_DEB these tests report themselves skipped; here, a skip would mean the
  # package went unchecked, so it fails the stage.
  local log=build/deb/ctest.log status=0
  local -x IMCHAT_DEB=$deb
  run_ctest "$log" --test-dir build -L debian --output-on-failure --no-tests=error \
    --timeout 300 -j "$jobs" || status=$?
  ((status == 0)) || failures+=("deb $log")
  check_skips deb "$log" none || status=1
  if grep -q -- '\*\*\*Skipped' "$log"; then
    echo "deb: debian tests were skipped although IMCHAT_DEB=$deb" >&2
    status=1
  fi
  # The hostile-peer tests once more, against the package's own binary: Debian's flags
  # keep assertions on, and nothing a peer sends may trip one.
  local root=build/deb/root hostile_log=build/deb/hostile-ctest.log hostile_status=0
  rm -rf "$root"
  dpkg-deb -x "$deb" "$root" || return
  IMCHAT_TEST_BINARY=$PWD/$root/usr/bin/imchat run_ctest "$hostile_log" --test-dir build \
    -L "$hostile_labels" --output-on-failure --no-tests=error --timeout 300 -j "$jobs" || hostile_status=$?
  ((hostile_status == 0)) || { failures+=("deb $hostile_log"); status=1; }
  check_skips deb "$hostile_log" none || status=1
  return "$status"
}

dev_deb=""  # the libimchat-dev .deb the deb stage built
examples_stage() {
  if [[ -z $dev_deb || ! -f $dev_deb ]]; then
    echo "examples: the deb stage built no libimchat-dev .deb" >&2
    return 1
  fi
  IMCHAT_JOBS=$jobs timeout --kill-after=10 600 bash tests/examples/run-examples.sh "$dev_deb" build/imchat
}

sanitizer_stage() {
  # Any report fails the run (the build also has -fno-sanitize-recover=all), with a stack
  # trace. The imchat children the black-box tests start inherit these settings.
  local -x ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:print_summary=1"
  local -x UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
  build_and_test asan build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIMCHAT_SANITIZE=ON
}

tsan_stage() {
  # A data race (or a lock-order inversion: second_deadlock_stack shows both stacks) ends
  # the process that saw it, with exit status 66 and the report on stderr. For the
  # imchat children of the black-box tests, which inherit TSAN_OPTIONS, tests/support's
  # child_process fails the test when a child's stderr holds a report, however it ended.
  # Only the kernel's unit tests and the chat black-box tests run: they are where the
  # threads are (the kernel's I/O and API threads, the chat programs on them), and the
  # whole suite under TSan would cost CI too much time.
  # tests/tsan-suppressions.txt holds only third-party false positives, each explained.
  local -x TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan-suppressions.txt"
  local -a selection=(-L '^(kernel|chat)')
  build_and_test tsan build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIMCHAT_TSAN=ON
}

fuzz_stage() {
  # The fuzzer bounds its own run; the outer limit only catches a hang (its build
  # included).
  IMCHAT_FUZZ_SECONDS=$fuzz_seconds IMCHAT_JOBS=$jobs \
    timeout --kill-after=30 $((fuzz_seconds + 1800)) bash tests/fuzz/run-fuzzer.sh
}

echo "imchat tests: $(git rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout'), $jobs jobs, CI=${CI:-false}"

if [[ ${IMCHAT_SKIP_DEPS:-0} == 1 ]]; then
  skip_stage deps "IMCHAT_SKIP_DEPS=1"
else
  run_stage deps packaging/install-deps.sh
  if ((failed)); then  # nothing can build without them
    print_summary
    exit 1
  fi
fi

run_stage build normal_stage

if [[ ${IMCHAT_SKIP_DEB:-0} == 1 ]]; then
  skip_stage deb "IMCHAT_SKIP_DEB=1"
else
  run_stage deb deb_stage
fi

if [[ ${IMCHAT_SKIP_DEB:-0} == 1 ]]; then
  skip_stage examples "no deb stage"
elif [[ ${IMCHAT_SKIP_EXAMPLES:-0} == 1 ]]; then
  skip_stage examples "IMCHAT_SKIP_EXAMPLES=1"
else
  run_stage examples examples_stage
fi

if [[ ${IMCHAT_SKIP_ASAN:-0} == 1 ]]; then
  skip_stage asan "IMCHAT_SKIP_ASAN=1"
else
  run_stage asan sanitizer_stage
fi

if [[ ${IMCHAT_SKIP_TSAN:-0} == 1 ]]; then
  skip_stage tsan "IMCHAT_SKIP_TSAN=1"
else
  run_stage tsan tsan_stage
fi

if [[ ! -f tests/fuzz/run-fuzzer.sh ]]; then
  skip_stage fuzz "no tests/fuzz/run-fuzzer.sh"
elif ((fuzz_seconds <= 0)); then
  skip_stage fuzz "IMCHAT_FUZZ_SECONDS=$fuzz_seconds"
else
  run_stage fuzz fuzz_stage
fi

print_summary
exit "$failed"
