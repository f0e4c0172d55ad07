#!/usr/bin/env bash
# Bad requests against `make run`'s platform, seeded and replayable: every route of the OpenAPI
# document with bad path segments, bad queries, bad headers, methods it does not serve and bodies
# that cannot be right. Checks: no 5xx, every 4xx a problem document, nothing written.
# Usage: bench/fuzz.sh [count] [seed]   (defaults: 2400, a random seed, printed)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-2400}
SEED=${2:-$RANDOM$RANDOM}
PORT=${BENCH_PORT:-18580}
DATA=$(mktemp -d /tmp/lanes-fuzz.XXXXXX)
KEY=fuzz-admin-key-0123456789
# MVN: how to call Maven (e.g. MVN="flock /tmp/lanes-mvn.lock mvn" when others build on the machine)
MVN=${MVN:-mvn}
# the reactor packaged (the platform's jar too) and bench's classpath in one go: nothing is
# installed into ~/.m2, so this works on a fresh machine
$MVN -B -ntp -q -o -pl bench -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile="$DATA/classpath" >/dev/null

# the fuzzer sends bad keys: the limit on failed authentications would answer them 429
LANES_DATA_DIR=$DATA HTTP_PORT=$PORT REGISTRY_HTTP_PORT=$((PORT + 1)) API_TOKEN=$KEY \
  AUTH_FAILURE_LIMIT=1000000 \
  java ${JAVA_OPTS:--XX:+UseSerialGC -Xmx512m} -jar platform/target/lanes-platform.jar \
  >"$DATA/out.txt" 2>"$DATA/err.txt" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do grep -q "Press Ctrl-C" "$DATA/out.txt" 2>/dev/null && break; sleep 0.5; done

java -XX:+UseSerialGC -Xmx512m \
  -cp "bench/target/classes:$(cat "$DATA/classpath")" \
  dev.lanes.bench.FuzzBench "$PORT" "$KEY" "$COUNT" "$SEED"
