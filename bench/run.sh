#!/usr/bin/env bash
# imchat side by side with an equivalent relay on libzmq, in one run (issue 6). Builds
# imchat (Release, in its own build directory) and the libzmq programs of bench/zmq, runs
# each scenario on both, and prints the figures and the ratios imchat / libzmq.
#
#   bench/run.sh                          # everything, full size (several minutes)
#   BENCH_SCALE=0.1 bench/run.sh          # every count a tenth: a quick look
#   BENCH_ONLY="fanout latency" bench/run.sh
#
# Scenarios: pipeline (a file of lines through prompt -> room -> displays > /dev/null,
# 1 and 10 displays), fanout (deliveries per second, 10 and 100 subscribers), latency
# (open loop at half of imchat's maximum rate, 10 subscribers), idle (10,000 displays on
# one room: room memory per display), stalled (one stopped display under a flood: room
# memory against its bounds), tls (imchat without and with a key, side by side: the
# pipeline and the fan-out again, for what TLS costs). Needs root only to install
# libzmq3-dev when it is missing.
#
# Environment: BENCH_SCALE (multiplies the counts), BENCH_LINES (pipeline lines,
# 1000000), BENCH_FANOUT_COUNT (messages per fan-out run, 1000000), BENCH_LATENCY_SECONDS
# (10), BENCH_IDLE_DISPLAYS (10000), BENCH_FLOOD_COUNT (3000000), BENCH_WINDOW (20000),
# BENCH_REPEAT (runs per measurement, 5: the figures are their medians), BENCH_ONLY
# (scenario names), BENCH_DIR (build and results, default build-bench/).
#
# Both sides buffer alike: where the imchat room gets a history as long as the run
# (--memory-only pipeline and fan-out), the relay's high-water marks are as many messages
# (ZMQ_BENCH_HWM); elsewhere the relay's are the kernel's queue bound, 100,000 messages.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${BENCH_DIR:-$ROOT/build-bench}
SCALE=${BENCH_SCALE:-1}
scaled() { python3 -c "import sys; print(max(1, int(float(sys.argv[1]) * float(sys.argv[2]))))" "$1" "$SCALE"; }
LINES=$(scaled "${BENCH_LINES:-1000000}")
FANOUT_COUNT=$(scaled "${BENCH_FANOUT_COUNT:-1000000}")
LATENCY_SECONDS=$(scaled "${BENCH_LATENCY_SECONDS:-10}")
IDLE_DISPLAYS=${BENCH_IDLE_DISPLAYS:-10000}
FLOOD_COUNT=$(scaled "${BENCH_FLOOD_COUNT:-3000000}")
ONLY=${BENCH_ONLY:-pipeline fanout latency idle stalled tls}
REPEAT=${BENCH_REPEAT:-5}
# Throughput runs keep the senders at most this many messages ahead of the slowest display
# thread (imchat bench --window): below both relays' bounds, so the figures are what each
# sustains with nothing lost rather than how each sheds load.
WINDOW=${BENCH_WINDOW:-20000}
RESULTS=$DIR/results
mkdir -p "$RESULTS"
# This run's logs only (a room's and the displays' standard error).
: >"$RESULTS/room.log"
: >"$RESULTS/display.log"
: >"$RESULTS/load.txt"

say() { printf '%s\n' "$*" >&2; }
wants() { [[ " $ONLY " == *" $1 "* ]]; }

# --- build -----------------------------------------------------------------------------
if ! dpkg -s libzmq3-dev >/dev/null 2>&1; then
  say "== installing libzmq3-dev"
  apt-get install -y libzmq3-dev >/dev/null
fi
say "== building imchat (Release) in $DIR/imchat"
cmake -S "$ROOT" -B "$DIR/imchat" -G Ninja -DCMAKE_BUILD_TYPE=Release -DIMCHAT_TESTS=OFF >/dev/null
cmake --build "$DIR/imchat" -j2 --target imchat >/dev/null
IMCHAT=$DIR/imchat/imchat
say "== building the libzmq relay in $DIR/zmq"
mkdir -p "$DIR/zmq"
CXX=(g++ -std=c++20 -O2 -DNDEBUG -I "$ROOT/src" -I "$ROOT")
"${CXX[@]}" -o "$DIR/zmq/zmq_room" "$ROOT/bench/zmq/zmq_room.cpp" "$ROOT/src/chat/timestamp.cpp" -lzmq
"${CXX[@]}" -o "$DIR/zmq/zmq_prompt" "$ROOT/bench/zmq/zmq_prompt.cpp" -lzmq
"${CXX[@]}" -o "$DIR/zmq/zmq_display" "$ROOT/bench/zmq/zmq_display.cpp" "$ROOT/src/chat/terminal_text.cpp" \
  "$ROOT/src/util/printable_text.cpp" "$ROOT/src/util/utf8.cpp" -lzmq
"${CXX[@]}" -o "$DIR/zmq/zmq_bench" "$ROOT/bench/zmq/zmq_bench.cpp" "$ROOT"/src/bench/{payload,latency_histogram,delivery_tally,display_tallies,probe_tracker,run_monitor,bench_report,process_memory}.cpp "$ROOT"/src/util/{key_file,secure_random}.cpp -lzmq -lfmt -pthread

# 10,000 displays are 10,000 sockets in the bench and 10,000 in the room.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# --- helpers ---------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 500); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.02; done; say "port $1 never opened"; return 1; }
now() { date +%s.%N; }
json() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
json_latency() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['latency_ns'][sys.argv[2]])" "$1" "$2"; }
json_rss() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['room_rss_kib'][sys.argv[2]])" "$1" "$2"; }
ratio() { python3 -c "
import sys
try: a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}' if b else 'n/a')
except ValueError: print('n/a')" "$1" "$2"; }
# The figure of several runs (bench/figures.py): median VALUES..., median_file FILES...,
# total_of KEY FILES....
median() { python3 "$ROOT/bench/figures.py" median "$@"; }
median_file() { python3 "$ROOT/bench/figures.py" median-file "$@"; }
total_of() { python3 "$ROOT/bench/figures.py" total "$@"; }
# CPU seconds (user + system) of this shell's children that have ended and been waited
# for: around a run that starts its room and client here and stops them (cleanup waits),
# the difference is what the room, the client and its displays used.
# Sets CHILDREN_CPU. (Called as a command, and `times` into a file: in a pipe or $(...)
# either would run in a subshell, whose children are not these.)
children_cpu() {
  times >"$RESULTS/.times"
  CHILDREN_CPU=$(awk 'NR == 2 { gsub(/[ms]/, " "); print $1 * 60 + $2 + $3 * 60 + $4 }' "$RESULTS/.times")
}
PIDS=()
KEY_ARGS=()  # --key-file FILE for the tls scenario's keyed runs: every imchat program gets it
# Stops what start_room and start_display started, the displays before their room.
cleanup() {
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -CONT "${PIDS[i]}" 2>/dev/null; kill "${PIDS[i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  PIDS=()
  rm -rf "$DIR/state"  # the rooms' logs: each room starts on a new one
}
trap 'cleanup; [[ -n ${OUTPUTS:-} ]] && rm -rf "$OUTPUTS"' EXIT

# start_room KIND [IMCHAT ROOM OPTIONS...]: an imchat room or a zmq_room on fresh ports;
# sets ROOM_PID and the variables the clients need (DIRECTORY, IN, OUT).
start_room() {
  local q e kind=$1
  shift
  q=$(free_port); e=$(free_port)
  if [[ $kind == imchat ]]; then
    DIRECTORY=127.0.0.1:$(free_port)
    # The room keeps its log (the default configuration), on a new one each time.
    local state=()
    if [[ " $* " != *" --memory-only "* ]]; then
      mkdir -p "$DIR/state"
      state=(--state-dir "$(mktemp -d "$DIR/state/room-XXXXXX")")
    fi
    # Every display here comes from this one host: it may hold all the room's connections.
    "$IMCHAT" room bench "127.0.0.1:$q" "127.0.0.1:$e" --embedded-directory --directory "$DIRECTORY" \
      "${state[@]}" --log-level warn --max-connections-per-host 16384 "${KEY_ARGS[@]}" "$@" 2>>"$RESULTS/room.log" &
  else
    "$DIR/zmq/zmq_room" "tcp://127.0.0.1:$q" "tcp://127.0.0.1:$e" 2>>"$RESULTS/room.log" &
  fi
  ROOM_PID=$!
  PIDS+=("$ROOM_PID")
  IN=tcp://127.0.0.1:$q OUT=tcp://127.0.0.1:$e
  wait_port "$e"
}

start_display() {  # KIND [FILE]: one display writing to FILE (default /dev/null); prints its pid
  local output=${2:-/dev/null}
  if [[ $1 == imchat ]]; then "$IMCHAT" display bench --directory "$DIRECTORY" "${KEY_ARGS[@]}" >"$output" 2>>"$RESULTS/display.log" &
  else "$DIR/zmq/zmq_display" "$OUT" >"$output" 2>>"$RESULTS/display.log" &
  fi
  echo $!
}


send_lines() {  # KIND < lines
  if [[ $1 == imchat ]]; then "$IMCHAT" prompt bench u --directory "$DIRECTORY" --linger 600 "${KEY_ARGS[@]}"
  else "$DIR/zmq/zmq_prompt" "$IN" u
  fi
}

bench_client() {  # KIND ARGS...: the measuring client against the running room
  local kind=$1; shift
  if [[ $kind == imchat ]]; then "$IMCHAT" bench bench --directory "$DIRECTORY" --room-pid "$ROOM_PID" "${KEY_ARGS[@]}" "$@"
  else "$DIR/zmq/zmq_bench" --in "$IN" --out "$OUT" --room-pid "$ROOM_PID" "$@"
  fi
}

# pipeline KIND DISPLAYS [ROOM OPTIONS...]: seconds from starting the prompt until every
# display has written every line. Progress is the size of each display's output (a file
# in memory, on /dev/shm), polled by bench/wait_outputs.py; at the end each output is
# checked line by line: every line once, in order, or the run does not count.
OUTPUTS=/dev/shm/imchat-bench-$$
[[ -d /dev/shm ]] || OUTPUTS=$DIR/outputs
pipeline() {
  local kind=$1 count=$2 pids=() pid base=() skip=() expected start
  shift 2
  # The room's defaults: a display that falls behind is fed from the room's log. A
  # --memory-only room has no log: a history as long as the run keeps every line for it
  # instead (libzmq's relay has none).
  local history=()
  [[ " $* " == *" --memory-only "* ]] && history=(--history-size "$((LINES + 1000))" --history-bytes 512M)
  # The relay holds as many: nothing is lost on either side for want of room.
  ZMQ_BENCH_HWM=$((LINES + 1000)) start_room "$kind" "${history[@]}" "$@"
  rm -rf "$OUTPUTS"; mkdir -p "$OUTPUTS"
  for i in $(seq "$count"); do pid=$(ZMQ_BENCH_HWM=$((LINES + 1000)) start_display "$kind" "$OUTPUTS/display-$i.txt"); pids+=("$pid"); PIDS+=("$pid"); done
  # Until every display has printed a warm-up line, and nothing more comes. Outputs are
  # measured by their files' sizes: exactly what the displays wrote out.
  local files=() file
  for i in $(seq "$count"); do files+=("$OUTPUTS/display-$i.txt"); done
  for _ in $(seq 200); do
    echo warm | send_lines "$kind" >/dev/null
    sleep 0.2
    local all=1
    for file in "${files[@]}"; do [[ -s $file ]] || all=0; done
    ((all)) && break
  done
  local sizes="" previous
  while previous=$sizes; sleep 0.3; sizes=$(stat -c %s "${files[@]}"); [[ $sizes != "$previous" ]]; do :; done
  local -a base_sizes; read -r -d '' -a base_sizes <<<"$sizes" || true
  for i in $(seq "$count"); do skip+=("$(wc -l <"$OUTPUTS/display-$i.txt")"); base+=("$OUTPUTS/display-$i.txt=${base_sizes[$((i - 1))]}"); done
  # Each line out: the 25-byte timestamp, "u: ", the 64-byte line, a newline.
  expected=$((LINES * (25 + 3 + 64 + 1)))
  start=$(now)
  ZMQ_BENCH_HWM=$((LINES + 1000)) send_lines "$kind" <"$DIR/lines.txt" >/dev/null &
  # Until every display has every line, or nothing more arrives for 10 s (lines lost).
  local prompt=$! end
  end=$(python3 "$ROOT/bench/wait_outputs.py" "$expected" 10 "${base[@]}")
  wait "$prompt" || true
  cleanup
  [[ $end != lost:* ]] || { rm -rf "$OUTPUTS"; echo "$end"; return; }
  local verdict
  for i in $(seq "$count"); do
    verdict=$(python3 "$ROOT/bench/check_lines.py" "$OUTPUTS/display-$i.txt" "${skip[$((i - 1))]}" "$LINES" || true)
    if [[ $verdict != ok ]]; then
      say "   $kind display $i: $verdict"
      # Its beginning and end kept, for a look at what went wrong.
      { head -n 20 "$OUTPUTS/display-$i.txt"; echo ...; tail -n 60 "$OUTPUTS/display-$i.txt"; } \
        >"$RESULTS/wrong-lines-$kind-$count-$i.txt"
      rm -rf "$OUTPUTS"
      echo "wrong-lines"
      return
    fi
  done
  rm -rf "$OUTPUTS"
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$start" "$end"
}

# --- the machine -----------------------------------------------------------------------
# What the figures were measured on, next to them: a figure without its machine and its
# load says little (a loaded machine once showed imchat at 0.96x libzmq, a quiet one 0.53x).
machine() {
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  local changes=""
  git -C "$ROOT" diff --quiet HEAD 2>/dev/null || changes=" (with uncommitted changes)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$changes"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "cores: $(nproc)"
  echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "kernel: $(uname -srvm)"
  echo "compiler: $(g++ --version | head -1)"
  local package
  for package in libboost-dev libspdlog-dev libfmt-dev libssl-dev libsqlite3-dev libzmq3-dev; do
    echo "$package: $(dpkg-query -W -f='${Version}' "$package" 2>/dev/null || echo 'not installed')"
  done
  echo "load at the start (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
}
machine >"$RESULTS/machine.txt"
# Load before and after each scenario, in load.txt and the summary: a scenario that ran
# on a busy machine shows it.
load() { cut -d' ' -f1 /proc/loadavg; }
scenario_started() { LOAD_BEFORE=$(load); echo "$(date -u +%H:%M:%S) $1: load before $LOAD_BEFORE" >>"$RESULTS/load.txt"; }
scenario_ended() {
  local after; after=$(load)
  echo "$(date -u +%H:%M:%S) $1: load after $after" >>"$RESULTS/load.txt"
  row "  load (1 min) before / after $1" "$LOAD_BEFORE" "$after" "" ""
}

# --- scenarios -------------------------------------------------------------------------
SUMMARY=$RESULTS/summary.txt
: >"$SUMMARY"
row() { printf '%-44s %14s %14s %8s  %s\n' "$@" | tee -a "$SUMMARY"; }
say "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
sed 's/^/   /' "$RESULTS/machine.txt" >&2
row "scenario" "imchat" "libzmq" "ratio" "target"

if wants pipeline; then
  scenario_started pipeline
  if [[ ! -s $DIR/lines.txt || $(wc -l <"$DIR/lines.txt") -ne $LINES ]]; then
    awk -v n="$LINES" 'BEGIN { for (i = 0; i < n; i++) printf "%08d%056d\n", i, 0 }' >"$DIR/lines.txt"
  fi
  for displays in 1 10; do
    say "== pipeline: $LINES lines, $displays display(s)"
    # The room's default keeps a log on disk (--fsync second); --memory-only keeps none.
    # The three in turn, $REPEAT times: a change in the machine's load touches all three.
    runs_a=() runs_m=() runs_b=()
    for _ in $(seq "$REPEAT"); do
      runs_a+=("$(pipeline imchat "$displays")")
      runs_m+=("$(pipeline imchat "$displays" --memory-only)")
      runs_b+=("$(pipeline zmq "$displays")")
    done
    echo "imchat ${runs_a[*]} | memory-only ${runs_m[*]} | libzmq ${runs_b[*]}" >"$RESULTS/pipeline-$displays.txt"
    a=$(median "${runs_a[@]}"); m=$(median "${runs_m[@]}"); b=$(median "${runs_b[@]}")
    row "pipeline $LINES lines, $displays display(s) (s)" "$a" "$b" "$(ratio "$a" "$b")" "<= 1.0 (durable default)"
    row "pipeline, the same, --memory-only (s)" "$m" "$b" "$(ratio "$m" "$b")" "<= 0.6"
  done
  scenario_ended pipeline
fi

if wants fanout || wants latency; then
  scenario_started fan-out
  for subscribers in 10 100; do
    say "== fan-out: $FANOUT_COUNT messages of 64 bytes, $subscribers subscribers"
    # imchat: the room's defaults (its log feeds a subscriber that falls behind), then
    # --memory-only with a history as long as the run, as for the pipeline.
    # The three in turn, $REPEAT times; each figure is the median of its runs.
    export ZMQ_BENCH_HWM=$((FANOUT_COUNT + 1000))  # as long as the memory-only history
    rm -f "$RESULTS/fanout-"*"-$subscribers-"[0-9]*.{json,cpu}  # an earlier run's
    for i in $(seq "$REPEAT"); do
      for run in imchat imchat-memory zmq; do
        case $run in
          imchat) start_room imchat ;;
          imchat-memory) start_room imchat --memory-only --history-size "$((FANOUT_COUNT + 1000))" --history-bytes 512M ;;
          zmq) start_room zmq ;;
        esac
        children_cpu; cpu_before=$CHILDREN_CPU
        result=$RESULTS/fanout-$run-$subscribers-$i
        bench_client "${run%-memory}" --displays "$subscribers" --count "$FANOUT_COUNT" --window "$WINDOW" --json >"$result.json" || true
        cleanup
        # CPU seconds of the room and the client per million deliveries.
        children_cpu
        python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print(f'{(float(sys.argv[3]) - float(sys.argv[2])) / d[\"delivered\"] * 1e6:.3f}')" \
          "$result.json" "$cpu_before" "$CHILDREN_CPU" >"$result.cpu" || echo n/a >"$result.cpu"
      done
    done
    unset ZMQ_BENCH_HWM
    for run in imchat imchat-memory zmq; do
      runs=("$RESULTS/fanout-$run-$subscribers"-[0-9]*.json)
      cp "$(median_file "${runs[@]}")" "$RESULTS/fanout-$run-$subscribers.json"
      median $(cat "$RESULTS/fanout-$run-$subscribers"-[0-9]*.cpu) >"$RESULTS/fanout-$run-$subscribers.cpu"
      total_of lost "${runs[@]}" >"$RESULTS/fanout-$run-$subscribers.lost"
    done
    a=$(json "$RESULTS/fanout-imchat-$subscribers.json" delivered_per_second)
    m=$(json "$RESULTS/fanout-imchat-memory-$subscribers.json" delivered_per_second)
    b=$(json "$RESULTS/fanout-zmq-$subscribers.json" delivered_per_second)
    row "fan-out $subscribers subscribers (deliveries/s)" "$a" "$b" "$(ratio "$a" "$b")" ">= 3.0"
    row "fan-out, the same, --memory-only" "$m" "$b" "$(ratio "$m" "$b")" ""
    a=$(cat "$RESULTS/fanout-imchat-$subscribers.cpu"); b=$(cat "$RESULTS/fanout-zmq-$subscribers.cpu")
    row "  CPU s (room + client) per M deliveries" "$a" "$b" "$(ratio "$a" "$b")" "<= 0.5"
    row "  lost in all $REPEAT runs (imchat / libzmq)" "$(cat "$RESULTS/fanout-imchat-$subscribers.lost")" "$(cat "$RESULTS/fanout-zmq-$subscribers.lost")" "" "0"
  done
  scenario_ended fan-out
fi

# latency_runs TAG RATE: $REPEAT open-loop runs of each side in turn, 10 subscribers.
latency_runs() {
  local tag=$1 rate=$2 i kind
  rm -f "$RESULTS/latency$tag-"{imchat,zmq}-[0-9]*.json  # an earlier run's
  for i in $(seq "$REPEAT"); do
    for kind in imchat zmq; do
      start_room "$kind"
      bench_client "$kind" --displays 10 --rate "$rate" --count "$((rate * LATENCY_SECONDS))" --json >"$RESULTS/latency$tag-$kind-$i.json" || true
      cleanup
    done
  done
}
microseconds() { if [[ $1 =~ ^[0-9]+$ ]]; then echo "$(($1 / 1000))"; else echo "$1"; fi; }
# latency_rows TAG RATE PERCENTILES...: each percentile's median over the runs; what
# any run lost, which a latency figure must not hide.
latency_rows() {
  local tag=$1 rate=$2 p a b
  shift 2
  for p in "$@"; do
    a=$(median $(for f in "$RESULTS/latency$tag-imchat"-[0-9]*.json; do json_latency "$f" "$p"; done))
    b=$(median $(for f in "$RESULTS/latency$tag-zmq"-[0-9]*.json; do json_latency "$f" "$p"; done))
    row "latency at $rate msg/s, $p (us)" "$(microseconds "$a")" "$(microseconds "$b")" "$(ratio "$a" "$b")" "<= 0.5"
  done
  row "  lost in all $REPEAT runs (imchat / libzmq)" "$(total_of lost "$RESULTS/latency$tag-imchat"-[0-9]*.json)" \
    "$(total_of lost "$RESULTS/latency$tag-zmq"-[0-9]*.json)" "" "0"
}

if wants latency; then
  scenario_started latency
  rate=$(python3 -c "import sys; print(int(float(sys.argv[1]) / 10 / 2))" "$(json "$RESULTS/fanout-imchat-10.json" delivered_per_second)")
  say "== latency: open loop at $rate msg/s (half of imchat's maximum), 10 subscribers, $LATENCY_SECONDS s"
  latency_runs "" "$rate"
  latency_rows "" "$rate" p50 p99 p999 max
  # And at a chat's pace: 1,000 msg/s, where hand-offs and wake-ups are the whole cost.
  say "== latency: open loop at 1000 msg/s, 10 subscribers, $LATENCY_SECONDS s"
  latency_runs -1000 1000
  latency_rows -1000 1000 p50 p99 p999
  scenario_ended latency
fi

if wants idle; then
  scenario_started idle
  # A libzmq socket takes two descriptors (its TCP connection and its mailbox): the libzmq
  # client gets as many displays as fit in the descriptor limit. Memory is per display.
  zmq_idle=$(( IDLE_DISPLAYS < ($(ulimit -n) - 200) / 2 ? IDLE_DISPLAYS : ($(ulimit -n) - 200) / 2 ))
  say "== idle: $IDLE_DISPLAYS displays on one room ($zmq_idle for libzmq), one message"
  per=() got=()
  for kind in imchat zmq; do
    start_room "$kind"
    displays=$([[ $kind == imchat ]] && echo "$IDLE_DISPLAYS" || echo "$zmq_idle")
    bench_client "$kind" --displays "$displays" --count 1 --drain-timeout 30 --json >"$RESULTS/idle-$kind.json" || true
    cleanup
  done
  for kind in imchat zmq; do
    f=$RESULTS/idle-$kind.json
    per[${#per[@]}]=$(( ($(json_rss "$f" connected) - $(json_rss "$f" before)) * 1024 / $(json "$f" displays) ))
    got[${#got[@]}]="$(json "$f" delivered)/$(json "$f" expected)"
  done
  row "idle: room RSS per display (bytes)" "${per[0]}" "${per[1]}" "$(ratio "${per[0]}" "${per[1]}")" "imchat <= 2048"
  row "idle: one message reached (deliveries)" "${got[0]}" "${got[1]}" "" "all"
  scenario_ended idle
fi

if wants stalled; then
  scenario_started stalled
  say "== stalled: one stopped display, $FLOOD_COUNT messages to another"
  grow=()
  for kind in imchat zmq; do
    start_room "$kind"
    stalled=$(start_display "$kind"); PIDS+=("$stalled")
    sleep 1
    kill -STOP "$stalled"
    bench_client "$kind" --displays 1 --count "$FLOOD_COUNT" --window "$WINDOW" --json >"$RESULTS/stalled-$kind.json" || true
    cleanup
  done
  for kind in imchat zmq; do
    f=$RESULTS/stalled-$kind.json
    grow[${#grow[@]}]=$(( $(json_rss "$f" peak) - $(json_rss "$f" before) ))
  done
  # imchat's configured bounds: 4 MiB unsent to one subscriber, 64 MiB in the room's queue,
  # 16 MiB of history (the room's defaults).
  row "stalled: room RSS growth at peak (KiB)" "${grow[0]}" "${grow[1]}" "" "imchat < $((84 * 1024))"
  row "  the flooded display: lost (imchat / libzmq)" "$(json "$RESULTS/stalled-imchat.json" lost)" "$(json "$RESULTS/stalled-zmq.json" lost)" "" "0"
  scenario_ended stalled
fi

if wants tls; then
  scenario_started tls
  # The same imchat, without a key and with one (every connection TLS 1.3): what the
  # encryption costs. Both columns are imchat; libzmq takes no part.
  KEY=$DIR/bench.key
  [[ -s $KEY ]] || "$IMCHAT" keygen "$KEY" 2>/dev/null
  row "tls: imchat without and with a key" "no key" "key" "ratio" ""
  if [[ ! -s $DIR/lines.txt || $(wc -l <"$DIR/lines.txt") -ne $LINES ]]; then
    awk -v n="$LINES" 'BEGIN { for (i = 0; i < n; i++) printf "%08d%056d\n", i, 0 }' >"$DIR/lines.txt"
  fi
  for displays in 1 10; do
    say "== tls: pipeline, $LINES lines, $displays display(s), without and with a key"
    KEY_ARGS=(); a=$(pipeline imchat "$displays")
    KEY_ARGS=(--key-file "$KEY"); b=$(pipeline imchat "$displays"); KEY_ARGS=()
    row "tls: pipeline $LINES lines, $displays display(s) (s)" "$a" "$b" "$(ratio "$b" "$a")" ""
  done
  for subscribers in 10 100; do
    say "== tls: fan-out, $FANOUT_COUNT messages of 64 bytes, $subscribers subscribers, without and with a key"
    for keyed in plain keyed; do
      if [[ $keyed == keyed ]]; then KEY_ARGS=(--key-file "$KEY"); else KEY_ARGS=(); fi
      start_room imchat --history-size "$((FANOUT_COUNT + 1000))" --history-bytes 512M
      bench_client imchat --displays "$subscribers" --count "$FANOUT_COUNT" --window "$WINDOW" --json >"$RESULTS/tls-fanout-$keyed-$subscribers.json" || true
      cleanup
    done
    KEY_ARGS=()
    a=$(json "$RESULTS/tls-fanout-plain-$subscribers.json" delivered_per_second)
    b=$(json "$RESULTS/tls-fanout-keyed-$subscribers.json" delivered_per_second)
    row "tls: fan-out $subscribers subscribers (deliveries/s)" "$a" "$b" "$(ratio "$b" "$a")" ""
    row "  lost (no key / key)" "$(json "$RESULTS/tls-fanout-plain-$subscribers.json" lost)" "$(json "$RESULTS/tls-fanout-keyed-$subscribers.json" lost)" "" ""
  done
  scenario_ended tls
fi

say "== results in $RESULTS (summary.txt, one JSON file per measured run, room.log)"
