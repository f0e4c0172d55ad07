#!/usr/bin/env bash
# GET /api/v1/apps/{app} through the whole gateway (auth, routing, JSON) with wrk, side by side in
# the same run with pgbench doing the equivalent primary-key select on the same PostgreSQL.
# Usage: bench/api-get-app.sh [duration-seconds] [connections] [rounds]
# Needs wrk and pgbench (apt-get install wrk postgresql-client). Starts its own platform.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
CONNECTIONS=${2:-64}
ROUNDS=${3:-3}
PORT=${BENCH_PORT:-18480}
DATA=$(mktemp -d /tmp/lanes-bench.XXXXXX)
KEY=bench-admin-key-0123456789
JAR=platform/target/lanes-platform.jar
[ -f "$JAR" ] || make build >/dev/null

LANES_DATA_DIR=$DATA HTTP_PORT=$PORT REGISTRY_HTTP_PORT=$((PORT + 1)) API_TOKEN=$KEY \
  java ${JAVA_OPTS:--XX:+UseSerialGC -Xmx512m} -jar "$JAR" >"$DATA/out.txt" 2>"$DATA/err.txt" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do grep -q "Press Ctrl-C" "$DATA/out.txt" 2>/dev/null && break; sleep 0.5; done
PGPORT=$(grep -o 'port [0-9]*' "$DATA/out.txt" | awk '{print $2}')
API=http://127.0.0.1:$PORT/api/v1
H=(-H "X-API-Key: $KEY" -H 'Content-Type: application/json')
curl -sf "${H[@]}" $API/image-repos -d '{"name":"web","registry":"harbor.local/team/web","git_repo":"team/web"}' >/dev/null
curl -sf "${H[@]}" $API/apps -d '{"name":"web","image_repo":"web","port":8080,"envs":{"LOG_LEVEL":"info","REGION":"eu"},"secret_envs":{"DB_PASSWORD":"x"},"resources":{"cpu":"250m","memory":"256Mi"},"health_path":"/healthz"}' >/dev/null
curl -sf "${H[@]}" $API/apps/web >/dev/null

echo "== warm-up (10 s)"
wrk -t2 -c"$CONNECTIONS" -d10s -H "X-API-Key: $KEY" "$API/apps/web" >/dev/null

cat >"$DATA/select.sql" <<'SQL'
select name, description, image_repo, port, command, args, envs, secret_env_names, replicas, resources, health_path, service_account, created_at, updated_at from apps where name = 'web';
SQL
# Alternate the two so that drifts of the machine touch both alike; report the median of each.
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round: gateway, wrk -t2 -c$CONNECTIONS -d${DURATION}s --latency GET /api/v1/apps/web"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "X-API-Key: $KEY" "$API/apps/web" | tee "$DATA/wrk.$round.txt" | grep -E "Requests/sec|  50%|  99%"
  echo "== round $round: postgres, pgbench -n -c 16 -j 2 -T $DURATION -M prepared (the same select by primary key)"
  pgbench -h 127.0.0.1 -p "$PGPORT" -U postgres -n -c 16 -j 2 -T "$DURATION" -M prepared -f "$DATA/select.sql" postgres 2>&1 | tee "$DATA/pgbench.$round.txt" | grep -E "^tps|latency average"
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
RPS=$(cat "$DATA"/wrk.*.txt | awk '/Requests\/sec/ {print $2}' | median)
P99=$(cat "$DATA"/wrk.*.txt | awk '/ 99%/ {print $2}' | sed 's/ms//' | median)
TPS=$(cat "$DATA"/pgbench.*.txt | awk '/^tps/ {print $3}' | median)
RSS=$(ps -o rss= -p $PID | awk '{printf "%.0f", $1/1024}')
echo "== summary"
echo "gateway ${RPS} req/s (p99 ${P99} ms), pgbench ${TPS} tps, ratio $(awk -v a="$RPS" -v b="$TPS" 'BEGIN {printf "%.2f", a/b}')"
echo "gateway RSS after load: ${RSS} MiB"
echo "rerun: bench/api-get-app.sh $DURATION $CONNECTIONS $ROUNDS"
