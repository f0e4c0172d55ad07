#!/usr/bin/env bash
# The same releases on the sandbox and on the local control plane (bin/local-kube), side by side.
# Usage: bench/cluster.sh [apps] [releases-per-second] [sse-subscribers]   (defaults 200 25 20)
set -euo pipefail
cd "$(dirname "$0")/.."
make build >/dev/null && kube/build.sh >/dev/null && mvn -B -q -o -pl testkit,bench install -DskipTests >/dev/null
cp=$(cd bench && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
exec java -XX:+UseSerialGC -Xmx1g -cp "bench/target/classes:$cp" \
  dev.lanes.bench.ClusterBench "$@" 2> /tmp/lanes-bench-cluster.log
