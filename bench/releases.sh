#!/usr/bin/env bash
# Release latency and throughput on the platform with the sandbox cluster.
# Usage: bench/releases.sh latency [releases] [per-second] | bench/releases.sh throughput [changes]
set -euo pipefail
cd "$(dirname "$0")/.."
make build >/dev/null && mvn -B -q -o -pl bench install -DskipTests >/dev/null
exec java -XX:+UseSerialGC -Xmx1g -cp "bench/target/classes:platform/target/lanes-platform.jar:$(find ~/.m2/repository/org/postgresql/postgresql -name 'postgresql-*.jar' | head -1)" \
  dev.lanes.bench.ReleaseBench "$@" 2> /tmp/lanes-bench-releases.log
