#!/usr/bin/env bash
# Route propagation: from an EndpointSlice update sent to the API server (the sandbox's mock server)
# to every SSE subscriber of registry-service having the delta, per delivery and per change ("all
# subscribers have it"), side by side with the seed's design (GET /v1/routes every 30 s, random
# phase). Everything runs in one JVM: mock API server, registry, subscribers and pollers.
# Usage: bench/route-propagation.sh [services] [subscribers] [changes] [ratePerSecond] [pollPeriodSeconds]
# Defaults 2000 1000 600 10 30: about 2 minutes (setup, 65 s of changes, 35 s for the pollers).
set -euo pipefail
cd "$(dirname "$0")/.."
make build >/dev/null && mvn -B -q -o -pl bench install -DskipTests >/dev/null
# every subscriber holds a connection, and both of its ends are in this process
WANT=$((2 * ${2:-1000} + 1024))
HARD=$(ulimit -Hn)
if [ "$HARD" != unlimited ] && [ "$HARD" -lt "$WANT" ]; then
  echo "need $WANT open files for ${2:-1000} subscribers; the hard limit is $HARD" >&2
  exit 1
fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$WANT" ]; then ulimit -n "$WANT"; fi
exec java -XX:+UseSerialGC -Xmx1g -cp "bench/target/classes:platform/target/lanes-platform.jar" \
  dev.lanes.bench.RoutePropagationBench "$@" 2> /tmp/lanes-bench-route-propagation.log
