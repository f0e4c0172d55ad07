#!/usr/bin/env bash
# Issue 6: command latency from POST to the Kubernetes object, event bus (one JVM) vs Kafka (each
# service started by its own main, in one JVM), and builds/releases per second on Kafka with one and
# two replicas of build-service and release-service. About 6 minutes with the defaults.
# Usage: bench/distributed.sh [samples 200] [per-second 5] [burst 200] [sandbox step 20ms]
set -euo pipefail
cd "$(dirname "$0")/.."
# MVN: how to call Maven (e.g. MVN="flock /tmp/maven.lock mvn" when others build in the same tree)
MVN=${MVN:-mvn}
make build MVN="$MVN" >/dev/null && $MVN -B -q -o -pl bench install -DskipTests >/dev/null
exec java -XX:+UseSerialGC -Xmx1g -cp "bench/target/classes:platform/target/lanes-platform.jar" \
  dev.lanes.bench.DistributedBench "$@" 2> /tmp/lanes-bench-distributed.log
