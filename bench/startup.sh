#!/usr/bin/env bash
# Start-up time of `make run` after a build (command to first 200 from the API's /readyz), first
# start on an empty data directory and warm restarts on the same one, and the RSS of the idle
# platform. Usage: bench/startup.sh [restarts]
set -euo pipefail
cd "$(dirname "$0")/.."
RESTARTS=${1:-5}
PORT=${BENCH_PORT:-18580}
DATA=$(mktemp -d /tmp/lanes-startup.XXXXXX)
trap 'rm -rf "$DATA"' EXIT
make build >/dev/null

now_ms() { date +%s%3N; }
start_once() {
  local t0 t1
  if curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz"; then
    echo "port $PORT is taken: stop what listens there first" >&2
    exit 1
  fi
  t0=$(now_ms)
  LANES_DATA_DIR=$DATA HTTP_PORT=$PORT REGISTRY_HTTP_PORT=$((PORT + 1)) setsid make run >"$DATA/out.txt" 2>"$DATA/err.txt" &
  echo $! >"$DATA/make.pid"
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/readyz"; do sleep 0.02; done
  t1=$(now_ms)
  echo $((t1 - t0))
}
stop_once() {
  local pid
  pid=$(cat "$DATA/make.pid")
  kill -TERM -- -"$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  while pgrep -f "$DATA/postgres" >/dev/null; do sleep 0.05; done
}

first=$(start_once)
echo "first start (empty data dir: initdb, migrations, key generation): ${first} ms"
sleep 10
JAVA_PID=$(pgrep -f "lanes-platform.jar" | head -1)
java_rss=$(ps -o rss= -p "$JAVA_PID" | awk '{printf "%.0f", $1/1024}')
pss() { awk '/^Pss:/ {s+=$2} END {printf "%.0f", s/1024}' $(for p in "$@"; do echo /proc/$p/smaps_rollup; done); }
pg_pss=$(pss $(pgrep -f "$DATA/postgres"))
echo "idle after 10 s: JVM RSS ${java_rss} MiB; PostgreSQL PSS ${pg_pss} MiB (all its processes)"
stop_once

times=()
for i in $(seq 1 "$RESTARTS"); do
  t=$(start_once)
  times+=("$t")
  stop_once
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "warm restarts (same data dir) x$RESTARTS: ${sorted}ms; median ${median} ms"
echo "rerun: bench/startup.sh $RESTARTS"
