#!/usr/bin/env bash
# Heap of the platform as builds queue up behind one that never ends.
# Usage: bench/queued-heap.sh [builds]
set -euo pipefail
cd "$(dirname "$0")/.."
make build >/dev/null && mvn -B -q -o -pl bench install -DskipTests >/dev/null
exec java -XX:+UseSerialGC -Xmx512m -cp "bench/target/classes:platform/target/lanes-platform.jar" \
  dev.lanes.bench.QueuedBuildsHeapBench "${1:-5000}" 2> /tmp/lanes-bench-queued-heap.log
