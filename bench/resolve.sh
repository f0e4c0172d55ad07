#!/usr/bin/env bash
# LaneRouter.resolve() of the Java SDK with JMH on a table of 2,000 services: ns per call and, with
# the gc profiler, bytes allocated per call (goal: under 100 ns, nothing allocated).
# Usage: bench/resolve.sh [quick]   (quick: 1 warm-up and 2 measured iterations, a smoke test)
set -euo pipefail
cd "$(dirname "$0")/.."
make build >/dev/null && mvn -B -q -o -pl bench install -DskipTests >/dev/null
# the SDK and JMH are not on the platform jar's class path: ask Maven for the bench's own
mvn -B -q -o -pl bench dependency:build-classpath -Dmdep.outputFile="$PWD/bench/target/classpath.txt" >/dev/null
exec java -XX:+UseSerialGC -Xmx512m -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  dev.lanes.bench.ResolveBench "$@" 2> /tmp/lanes-bench-resolve.log
