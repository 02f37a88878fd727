# shellcheck shell=bash
# Measurement helpers for bench/run-all (source this file, do not run it). All traffic goes to 127.0.0.1;
# every wait and load run is bounded in time, and servers are stopped by PID.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HOST=127.0.0.1
PROJECT_ID=0a1b2c3d4e5f60718293a4b5c6d7e8f9
INSTANCE_ID=5c5b1f7e-3c1a-4d8b-9a0e-2f6d7b8c9d01
BODY_100=0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789

# The measured routes: name, method, path, expected status and body (bodies are compared without
# whitespace). The fixture (bench/fixture.json) makes every answer below the emulator's real one.
ROUTES=(show_checkpoint delete_checkpoint delete_messages send_message)
declare -A ROUTE_TITLE=(
  [show_checkpoint]="DIS ShowCheckpoint"
  [delete_checkpoint]="DIS DeleteCheckpoint"
  [delete_messages]="DMS delete messages"
  [send_message]="DMS SendKafkaMessage"
  [put_records]="DIS PutRecords"
)
declare -A ROUTE_METHOD=([show_checkpoint]=GET [delete_checkpoint]=DELETE [delete_messages]=DELETE [send_message]=POST
  [put_records]=POST)
declare -A ROUTE_PATH=(
  [show_checkpoint]="/v2/$PROJECT_ID/checkpoints?stream_name=s1&app_name=a1&checkpoint_type=LAST_READ&partition_id=1"
  [delete_checkpoint]="/v2/$PROJECT_ID/checkpoints?stream_name=s1&app_name=a1&checkpoint_type=LAST_READ&partition_id=0"
  [delete_messages]="/v2/$PROJECT_ID/kafka/instances/$INSTANCE_ID/topics/t01/messages"
  [send_message]="/v2/$PROJECT_ID/instances/$INSTANCE_ID/messages/action?action_id=send"
  [put_records]="/v2/$PROJECT_ID/records"   # measured with --data-dir only (step 8): no peer serves it
)
declare -A ROUTE_BODY=(
  [delete_messages]='{"partitions":[{"partition":0,"offset":5}]}'
  [send_message]="{\"topic\":\"t02\",\"body\":\"$BODY_100\"}"
)
declare -A ROUTE_STATUS=([show_checkpoint]=200 [delete_checkpoint]=204 [delete_messages]=200 [send_message]=200)
declare -A ROUTE_WANT=(
  [show_checkpoint]='{"sequence_number":"7","metadata":"worker-1"}'
  [delete_checkpoint]=''
  [delete_messages]='{"partitions":[{"partition":0,"result":"success","error_code":0}]}'
  [send_message]="{\"topic\":\"t02\",\"body\":\"$BODY_100\",\"property_list\":[]}"
)
READY_ROUTE=delete_checkpoint   # a server is up once this answers with its status

SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
WRK_CONNS=${WRK_CONNS:-32}
WRK_DURATION=${WRK_DURATION:-10s}
WARMUP=${WARMUP:-2s}
STARTS=${STARTS:-3}
READY_TIMEOUT_S=${READY_TIMEOUT_S:-60}
SETTLE_S=${SETTLE_S:-2}

for t in wrk curl taskset ss; do
  command -v "$t" >/dev/null || { echo "missing required tool: $t (run scripts/install-deps --bench)" >&2; exit 1; }
done
RUN_DIR=$(mktemp -d /tmp/emu-bench.XXXXXX)
mkfifo "$RUN_DIR/never"   # nothing is ever written to it: reading it with a timeout is a builtin sleep
CLK_TCK=$(getconf CLK_TCK)
PIN_S="taskset -c $SERVER_CPU"
PIN_C="taskset -c $CLIENT_CPU"

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
now_ns() { date +%s%N; }
alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1; [[ $s != Z* ]]; }
ptree() { local p c; for p in "$@"; do echo "$p"; for c in $(pgrep -P "$p"); do ptree "$c"; done; done; }
port_free() { [ "$(ss -Hltn "sport = :$1" | wc -l)" -eq 0 ]; }

# rss_mib: resident memory of the server's process tree, MiB.
rss_mib() {
  local kb=0 p v
  for p in $(ptree "$SRV_PID"); do
    v=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null); kb=$((kb + ${v:-0}))
  done
  awk -v k="$kb" 'BEGIN {printf "%.1f", k / 1024}'
}

# cpu_ticks: user+system CPU ticks used so far by the server's process tree.
cpu_ticks() {
  local t=0 p v
  for p in $(ptree "$SRV_PID"); do
    v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}'); t=$((t + ${v:-0}))
  done
  echo "$t"
}

# curl_route PORT ROUTE [OUT]: one request; prints the status code.
curl_route() {
  local port=$1 r=$2 out=${3:-/dev/null} args=()
  [ -n "${ROUTE_BODY[$r]:-}" ] && args=(-H 'Content-Type: application/json' --data "${ROUTE_BODY[$r]}")
  $PIN_C curl -s --max-time 2 -X "${ROUTE_METHOD[$r]}" -H 'X-Auth-Token: bench' "${args[@]}" -o "$out" \
       -w '%{http_code}' "http://$HOST:$port${ROUTE_PATH[$r]}"
}

# probe PORT ROUTE: sets PROBE_CODE to the status of one body-less request that bash itself sends over
# /dev/tcp (empty when nothing answers). No process is started, so start times are not inflated by the probe.
probe() {
  local port=$1 r=$2 fd line
  PROBE_CODE=""
  exec {fd}<>"/dev/tcp/$HOST/$port" || return 1
  printf '%s %s HTTP/1.1\r\nHost: %s\r\nX-Auth-Token: bench\r\nConnection: close\r\n\r\n' \
    "${ROUTE_METHOD[$r]}" "${ROUTE_PATH[$r]}" "$HOST" >&"$fd"
  read -r -t 2 line <&"$fd"
  exec {fd}>&-
  line=${line#HTTP/1.1 }
  PROBE_CODE=${line%% *}
}

# start_server LABEL PORT CMD...: launch pinned to SERVER_CPU; wait for the ready route. Sets SRV_PID and
# START_MS, launch to first answer, polling with bash builtins only (about every 1 ms).
start_server() {
  local label=$1 port=$2; shift 2
  local t0 deadline
  port_free "$port" || { log "port $port busy"; return 1; }
  t0=${EPOCHREALTIME/./}
  $PIN_S "$@" >>"$RUN_DIR/$label.log" 2>&1 &
  SRV_PID=$!
  deadline=$(( t0 + READY_TIMEOUT_S * 1000000 ))
  while [ "${EPOCHREALTIME/./}" -lt "$deadline" ]; do
    if probe "$port" "$READY_ROUTE" 2>/dev/null && [ "$PROBE_CODE" = "${ROUTE_STATUS[$READY_ROUTE]}" ]; then
      START_MS=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
      return 0
    fi
    [ -d "/proc/$SRV_PID" ] || { log "$label exited during startup: $(tail -n 3 "$RUN_DIR/$label.log")"; return 1; }
    read -r -t 0.001 <>"$RUN_DIR/never" || :   # a 1 ms pause without starting a process
  done
  log "$label: no answer within ${READY_TIMEOUT_S}s"; stop_server; return 1
}

# stop_server: TERM the server (and anything it started) by PID, KILL after 10 s.
stop_server() {
  local pids p i up
  pids=$(ptree "$SRV_PID")
  kill -TERM "$SRV_PID" 2>/dev/null
  for i in $(seq 100); do
    up=0; for p in $pids; do alive "$p" && up=1; done
    [ "$up" = 0 ] && break
    sleep 0.1
  done
  for p in $pids; do alive "$p" && kill -KILL "$p" 2>/dev/null; done
  wait "$SRV_PID" 2>/dev/null
  return 0
}

# check_route PORT ROUTE: "ok" or what differs from the expected status and body.
check_route() {
  local port=$1 r=$2 code body
  code=$(curl_route "$port" "$r" "$RUN_DIR/check.body")
  body=$(tr -d ' \n\r\t' <"$RUN_DIR/check.body")
  if [ "$code" != "${ROUTE_STATUS[$r]}" ]; then echo "status $code"; return; fi
  if [ "$body" != "${ROUTE_WANT[$r]}" ]; then echo "body differs: ${body:0:80}"; return; fi
  echo ok
}

# run_wrk LABEL PORT ROUTE: prints "req/s p50_ms p99_ms errors server_cpu% server_cpu_us_per_request".
run_wrk() {
  local label=$1 port=$2 r=$3 url lua out c0 c1 t0 t1
  url="http://$HOST:$port${ROUTE_PATH[$r]}"; lua="$BENCH_DIR/lua/$r.lua"; out="$RUN_DIR/wrk_${label}_$r.txt"
  if [ "$WARMUP" != 0 ]; then
    timeout 120 $PIN_C wrk -t1 -c"$WRK_CONNS" -d"$WARMUP" -s "$lua" "$url" >/dev/null 2>&1
  fi
  c0=$(cpu_ticks); t0=$(now_ns)
  timeout 120 $PIN_C wrk -t1 -c"$WRK_CONNS" -d"$WRK_DURATION" --latency -s "$lua" "$url" >"$out" 2>&1
  c1=$(cpu_ticks); t1=$(now_ns)
  wrk_summary "$out" $((c1 - c0)) $((t1 - t0))
}

# wrk_summary FILE CPU_TICKS WALL_NS
wrk_summary() {
  awk -v dc="$2" -v hz="$CLK_TCK" -v dt="$3" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
                     if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v + 0 }
    /Requests\/sec:/ { rps = $2; seen = 1 }
    / requests in / { n = $1 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { err += $NF }
    /Socket errors/ { for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) err += $i + 0 }
    END { if (!seen) { print "FAIL - - - - -"; exit }
          printf "%.0f %.3f %.3f %d %.0f %.1f\n", rps, p50, p99, err, (dt > 0 ? 100 * dc / hz / (dt / 1e9) : 0),
                 (n > 0 ? 1e6 * dc / hz / n : 0) }' "$1"
}

median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else printf "n/a" }'; }
