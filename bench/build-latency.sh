#!/usr/bin/env bash
# Time from POST .../builds/ to the Job in the API server (sandbox mock server), p50/p99.
# Usage: bench/build-latency.sh [builds] [per-second, 0 = back to back]
set -euo pipefail
cd "$(dirname "$0")/.."
make build >/dev/null && mvn -B -q -o -pl bench install -DskipTests >/dev/null
exec java -XX:+UseSerialGC -Xmx512m -cp "bench/target/classes:platform/target/lanes-platform.jar" \
  dev.lanes.bench.BuildLatencyBench "${1:-200}" "${2:-10}" 2> /tmp/lanes-bench-build-latency.log
