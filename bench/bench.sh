#!/usr/bin/env bash
# HTTP benchmarks: the release seatwise server and nginx (a static reply, the same-run
# ceiling) on loopback, each loaded by wrk for the same duration, alternating order over
# several rounds. Prints the median req/s, p50 and p99 of each and the ratio seatwise/nginx.
#
#   bench/bench.sh [ENDPOINT...]        default endpoints: /healthz client
#
# An ENDPOINT is a path ("/healthz"), or "path=script.lua" with a wrk Lua script in bench/
# that sets the method, headers and body (both servers get the same script), or one of the
# client-API benchmarks: refresh, heartbeat, checkout, checkout-release ("client" = all
# four). These start seatwise with --demo and prepare eve's device, activation and lease
# first (bench/client_setup.py); their scripts are in bench/lua/. "seat-usage" is the
# team-wide seat-usage report over 12 months, on the database that `report_bench --keep DIR`
# prepared (BENCH_REPORT_DIR, default bench/out/report; `make bench-reports` makes it).
# Settings (environment): DURATION=10s CONNECTIONS=64 THREADS=2 ROUNDS=3
#   BENCH_BIN=build/release/src/seatwise BENCH_THREADS=0 NGINX_WORKERS=1 LOG_LEVEL=warn
#   BENCH_REPORT_DIR=bench/out/report
set -euo pipefail

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
BENCH_THREADS=${BENCH_THREADS:-0}
NGINX_WORKERS=${NGINX_WORKERS:-1}
LOG_LEVEL=${LOG_LEVEL:-warn}

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
BENCH_BIN=${BENCH_BIN:-$ROOT/build/release/src/seatwise}
OUT_DIR=$BENCH_DIR/out
BENCH_REPORT_DIR=${BENCH_REPORT_DIR:-$OUT_DIR/report}
START_BOUND_S=30

if [ "$#" -gt 0 ]; then ENDPOINTS=("$@"); else ENDPOINTS=(/healthz client); fi
# "client" stands for the four client-API benchmarks.
EXPANDED=()
for endpoint in "${ENDPOINTS[@]}"; do
  if [ "$endpoint" = client ]; then
    EXPANDED+=(refresh heartbeat checkout checkout-release)
  else
    EXPANDED+=("$endpoint")
  fi
done
ENDPOINTS=("${EXPANDED[@]}")
is_client() { case "$1" in refresh | heartbeat | checkout | checkout-release) return 0 ;; esac; return 1; }
CLIENT=0
REPORT=0
for endpoint in "${ENDPOINTS[@]}"; do
  if is_client "$endpoint"; then CLIENT=1; fi
  if [ "$endpoint" = seat-usage ]; then REPORT=1; fi
done
# Computers of their own for the checkout+release cycle, one per wrk thread. Structa has 5
# floating seats and the heartbeat/checkout lease holds one.
CYCLE_DEVICES=4

die() { echo "bench: $*" >&2; exit 1; }

for tool in wrk nginx python3; do
  command -v "$tool" >/dev/null || die "$tool is not installed (scripts/setup.sh installs it)"
done
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer"
case "$DURATION" in
  *[0-9]s) DURATION_S=${DURATION%s} ;;
  *[0-9]m) DURATION_S=$((${DURATION%m} * 60)) ;;
  *) DURATION_S=$DURATION ;;
esac
[[ "$DURATION_S" =~ ^[1-9][0-9]*$ ]] || die "DURATION must look like 10s or 2m"
[[ "$THREADS" =~ ^[1-9][0-9]*$ ]] || die "THREADS must be a positive integer"
if [ "$CLIENT" = 1 ]; then
  for endpoint in "${ENDPOINTS[@]}"; do
    if [ "$endpoint" = checkout-release ] && [ "$THREADS" -gt "$CYCLE_DEVICES" ]; then
      die "checkout-release takes one computer per wrk thread: THREADS must be at most $CYCLE_DEVICES"
    fi
  done
fi

# The default binary is (re)built when missing or older than the last commit.
build_release() {
  echo "bench: building the release binary ($1)" >&2
  (cd "$ROOT" && cmake --preset release >/dev/null && cmake --build --preset release --target seatwise)
}
if [ ! -x "$BENCH_BIN" ]; then
  build_release "missing"
elif [ "$BENCH_BIN" = "$ROOT/build/release/src/seatwise" ]; then
  head_time=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)
  if [ "$(stat -c %Y "$BENCH_BIN")" -lt "$head_time" ]; then build_release "older than HEAD"; fi
fi
[ -x "$BENCH_BIN" ] || die "no binary at $BENCH_BIN"

# The seat-usage report reads the database report_bench prepared, with its admin token.
DATABASE_URL=""
if [ "$REPORT" = 1 ]; then
  [ -f "$BENCH_REPORT_DIR/report.db" ] && [ -f "$BENCH_REPORT_DIR/report.env" ] ||
    die "no prepared report database in $BENCH_REPORT_DIR: run 'make bench-reports' or report_bench --keep $BENCH_REPORT_DIR"
  while IFS='=' read -r key value; do
    case "$key" in BENCH_REPORT_TOKEN | BENCH_TEAM_ID) export "$key=$value" ;; esac
  done <"$BENCH_REPORT_DIR/report.env"
  [ -n "${BENCH_REPORT_TOKEN:-}" ] && [ -n "${BENCH_TEAM_ID:-}" ] ||
    die "$BENCH_REPORT_DIR/report.env lacks BENCH_REPORT_TOKEN or BENCH_TEAM_ID"
  DATABASE_URL="sqlite://$BENCH_REPORT_DIR/report.db"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/seatwise-bench.XXXXXX")
SEATWISE_PID=""
NGINX_PID=""
WRK_PID=""

# Stops a child: SIGTERM, up to 10 s to exit, then SIGKILL.
stop() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  stop "$WRK_PID"
  stop "$SEATWISE_PID"
  stop "$NGINX_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Prints the HTTP status of GET http://127.0.0.1:PORT/PATH, or 000.
status_of() {
  python3 - "$1" "$2" <<'PY'
import sys, urllib.request, urllib.error
try:
    print(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}{sys.argv[2]}", timeout=5).status)
except urllib.error.HTTPError as e:
    print(e.code)
except Exception:
    print("000")
PY
}

# --- seatwise: port 0, the port read from its "listening on" line ---
SERVE_ARGS=(serve --listen 127.0.0.1:0 --database "${DATABASE_URL:-sqlite://$WORK/bench.db}"
  --threads "$BENCH_THREADS" --log-level "$LOG_LEVEL")
if [ "$CLIENT" = 1 ]; then SERVE_ARGS+=(--demo); fi
"$BENCH_BIN" "${SERVE_ARGS[@]}" \
  >"$WORK/seatwise.out" 2>"$WORK/seatwise.err" &
SEATWISE_PID=$!
SEATWISE_PORT=""
for _ in $(seq $((START_BOUND_S * 10))); do
  SEATWISE_PORT=$(sed -n 's|^seatwise listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' \
    "$WORK/seatwise.out" | head -n1)
  [ -n "$SEATWISE_PORT" ] && break
  kill -0 "$SEATWISE_PID" 2>/dev/null || { cat "$WORK/seatwise.err" >&2; die "seatwise exited"; }
  sleep 0.1
done
[ -n "$SEATWISE_PORT" ] || { cat "$WORK/seatwise.err" >&2; die "seatwise did not start in ${START_BOUND_S}s"; }

# --- nginx: its own prefix, in the foreground as our child ---
NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx"
sed -e "s|@PREFIX@|$WORK/nginx|g" -e "s|@PORT@|$NGINX_PORT|g" -e "s|@WORKERS@|$NGINX_WORKERS|g" \
  "$BENCH_DIR/nginx.conf.in" >"$WORK/nginx/nginx.conf"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" \
  -g 'daemon off;' 2>"$WORK/nginx/stderr.log" &
NGINX_PID=$!

# Both must answer 200 on /healthz and on every plain GET endpoint before anything is
# measured; scripted endpoints are checked by the errors column.
CHECKS=(/healthz)
for endpoint in "${ENDPOINTS[@]}"; do
  is_client "$endpoint" && continue
  [ "$endpoint" = seat-usage ] && continue
  [ "$endpoint" = "${endpoint%%=*}" ] && CHECKS+=("$endpoint")
done
for path in "${CHECKS[@]}"; do
  for server in seatwise nginx; do
    port=$SEATWISE_PORT
    [ "$server" = nginx ] && port=$NGINX_PORT
    code=000
    for _ in $(seq $((START_BOUND_S * 10))); do
      code=$(status_of "$port" "$path")
      [ "$code" = 000 ] || break
      sleep 0.1
    done
    if [ "$code" != 200 ]; then
      [ "$server" = nginx ] && cat "$WORK/nginx/error.log" "$WORK/nginx/stderr.log" >&2
      die "$server answered $code for $path"
    fi
  done
done

# --- the client-API benchmarks: eve's bearer token, device, activation and lease ---
if [ "$CLIENT" = 1 ]; then
  echo "bench: preparing the client-API data as eve@contoso.example" >&2
  timeout 120 python3 "$BENCH_DIR/client_setup.py" "$SEATWISE_PORT" "$CYCLE_DEVICES" \
    >"$WORK/client.env" || die "the client-API setup failed"
  while IFS='=' read -r key value; do
    case "$key" in BENCH_*) export "$key=$value" ;; esac
  done <"$WORK/client.env"
  export BENCH_LUA_DIR="$BENCH_DIR/lua"
fi

# The label, path and script of an endpoint, as "label<TAB>path<TAB>script".
resolve() {
  case "$1" in
    refresh) printf '%s\t%s\t%s\n' refresh /api/v1/client/activations/refresh lua/refresh.lua ;;
    heartbeat)
      printf '%s\t%s\t%s\n' heartbeat "/api/v1/client/leases/$BENCH_LEASE_ID" lua/heartbeat.lua ;;
    checkout) printf '%s\t%s\t%s\n' checkout /api/v1/client/leases lua/checkout.lua ;;
    checkout-release)
      printf '%s\t%s\t%s\n' checkout-release /api/v1/client/leases lua/checkout_release.lua ;;
    seat-usage)
      printf '%s\t%s\t%s\n' seat-usage \
        "/api/v1/teams/$BENCH_TEAM_ID/reports/seat-usage?range=12m" lua/seat_usage.lua ;;
    *=*) printf '%s\t%s\t%s\n' "${1%%=*}" "${1%%=*}" "${1#*=}" ;;
    *) printf '%s\t%s\t\n' "$1" "$1" ;;
  esac
}

# wrk's latency ("1.23ms", "850.00us", "1.02s") in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; unit = v; sub(/^[0-9.]+/, "", unit)
    if (unit == "us") n /= 1000; else if (unit == "s") n *= 1000; else if (unit == "m") n *= 60000
    printf "%.3f", n }'
}

# Runs wrk once; appends "rps p50_ms p99_ms errors" to $WORK/results/<server>/<slot>.
measure() {
  local server=$1 port=$2 slot=$3 path=$4 script=$5 round=$6
  local raw="$OUT_DIR/wrk/${slot}_${server}_round${round}.txt"
  local connections=$CONNECTIONS
  # A script that pairs each reply with its next request needs one connection per thread.
  if [ -n "$script" ] && grep -q '^-- bench: one connection per thread' "$BENCH_DIR/$script"; then
    connections=$THREADS
  fi
  local args=(-t "$THREADS" -c "$connections" -d "$DURATION" --latency --timeout 5s)
  [ -n "$script" ] && args+=(-s "$BENCH_DIR/$script")
  # In the background so a signal to this script runs the cleanup trap at once.
  timeout $((DURATION_S + 30)) wrk "${args[@]}" "http://127.0.0.1:$port$path" >"$raw" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || die "wrk against $server $path failed: $(tail -n3 "$raw")"
  WRK_PID=""
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$raw")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$raw")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$raw")")
  errors=$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {
    for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i } END {print n + 0}' "$raw")
  [ -n "$rps" ] || die "could not read wrk output $raw"
  mkdir -p "$WORK/results/$server"
  echo "$rps $p50 $p99 $errors" >>"$WORK/results/$server/$slot"
  # The replies by status, counted by the client-API scripts.
  awk '$1 == "bench-status" {print $2, $3}' "$raw" >>"$WORK/results/$server/$slot.status"
  awk '$1 == "bench-new-leases" {print $2}' "$raw" >>"$WORK/results/$server/$slot.new"
}

# The median of column COL of FILE.
median() {
  awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{v[NR] = $1} END {
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

mkdir -p "$OUT_DIR/wrk"
rm -f "$OUT_DIR"/wrk/*.txt
slot_of() { echo "$1" | sed 's|[^A-Za-z0-9]|_|g; s|^_*||'; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq "$ROUNDS"); do
  for endpoint in "${ENDPOINTS[@]}"; do
    IFS=$'\t' read -r label path script < <(resolve "$endpoint")
    slot=$(slot_of "$label")
    echo "bench: round $round/$ROUNDS $label ($path)" >&2
    # Alternate who goes first so neither always runs on a warmer machine.
    if [ $((round % 2)) = 1 ]; then
      measure seatwise "$SEATWISE_PORT" "$slot" "$path" "$script" "$round"
      measure nginx "$NGINX_PORT" "$slot" "$path" "$script" "$round"
    else
      measure nginx "$NGINX_PORT" "$slot" "$path" "$script" "$round"
      measure seatwise "$SEATWISE_PORT" "$slot" "$path" "$script" "$round"
    fi
  done
done

kill -0 "$SEATWISE_PID" 2>/dev/null || die "seatwise died during the run"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "seatwise HTTP benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)  $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds (medians), $(nproc) cores;" \
    "seatwise threads=$BENCH_THREADS log=$LOG_LEVEL, nginx workers=$NGINX_WORKERS"
  echo "binary: $BENCH_BIN"
  echo "load average (1/5/15 min): $LOAD_BEFORE before the rounds, $LOAD_AFTER after"
  echo
  printf '%-24s %-9s %12s %10s %10s %8s\n' endpoint server req/s p50_ms p99_ms errors
  for endpoint in "${ENDPOINTS[@]}"; do
    IFS=$'\t' read -r label path script < <(resolve "$endpoint")
    slot=$(slot_of "$label")
    declare -A m=()
    for server in seatwise nginx; do
      f="$WORK/results/$server/$slot"
      m[$server.rps]=$(median "$f" 1)
      m[$server.p50]=$(median "$f" 2)
      m[$server.p99]=$(median "$f" 3)
      m[$server.err]=$(awk '{n += $4} END {print n + 0}' "$f")
      printf '%-24s %-9s %12.0f %10.3f %10.3f %8d\n' "$label" "$server" "${m[$server.rps]}" \
        "${m[$server.p50]}" "${m[$server.p99]}" "${m[$server.err]}"
    done
    printf '%-24s %-9s %12s %10s %10s\n' "$label" "ratio" \
      "$(ratio "${m[seatwise.rps]}" "${m[nginx.rps]}")" \
      "$(ratio "${m[seatwise.p50]}" "${m[nginx.p50]}")" \
      "$(ratio "${m[seatwise.p99]}" "${m[nginx.p99]}")"
    unset m
  done
  echo
  echo "ratio = seatwise / nginx: above 1 is more req/s, below 1 is lower latency."
  echo "errors = non-2xx/3xx responses plus socket errors over all rounds; raw wrk output in bench/out/wrk/."
  [ "$CLIENT" = 0 ] || echo "checkout-release runs one connection per wrk thread; its req/s counts checkouts and releases (cycles/s = half)."
  if [ -s "$WORK/results/seatwise/checkout_release.new" ]; then
    echo "checkout-release on seatwise: $(awk '{n += $1} END {print n + 0}' \
      "$WORK/results/seatwise/checkout_release.new") new lease ids for $(awk '$1 == 201 {n += $2} END {print n + 0}' \
      "$WORK/results/seatwise/checkout_release.status") checkouts answered 201."
  fi
  echo "The machine is shared: compare ratios of one run, not absolute figures between runs."
  # A benchmark of errors is no benchmark: name every row that had any.
  for endpoint in "${ENDPOINTS[@]}"; do
    IFS=$'\t' read -r label path script < <(resolve "$endpoint")
    slot=$(slot_of "$label")
    for server in seatwise nginx; do
      errors=$(awk '{n += $4} END {print n + 0}' "$WORK/results/$server/$slot")
      [ "$errors" = 0 ] && continue
      statuses=$(awk '{n[$1] += $2} END {for (s in n) if (s !~ /^2/) {printf "%s%s: %d", sep, s, n[s]; sep = ", "}}' \
        "$WORK/results/$server/$slot.status")
      echo "WARNING: $label on $server had $errors errors (non-2xx by status: ${statuses:-not counted, see bench/out/wrk/}); its figures are not valid"
    done
  done
} | tee "$OUT_DIR/latest.txt"
