#!/usr/bin/env bash
# Issue 14, item 7: the distributed platform (bin/run-distributed's processes) under fire. Sends
# COMMANDS builds, releases, rollbacks, lane creates and deletes from 8 clients while SIGKILLing a
# random service KILLS times (each started again) and stopping PostgreSQL, then Kafka, for 30 s;
# then checks nothing was lost, doubled or left stuck, and that each app's events are in order.
# Its last line: chaos: N commands, K kills, lost L, doubled D, stuck S (exit 0 only when clean).
# Usage: bench/chaos.sh [commands 500] [kills 20] [seed]   (quick: bench/chaos.sh 40 2)
# State and logs (logs/NAME.log per process) in LANES_DATA_DIR, default a new /tmp/lanes-chaos.*,
# kept when the run is not clean.
set -euo pipefail
cd "$(dirname "$0")/.."
# MVN: how to call Maven (e.g. MVN="flock /tmp/lanes-mvn.lock mvn" when others build on the machine)
MVN=${MVN:-mvn}
DIR=${LANES_DATA_DIR:-$(mktemp -d /tmp/lanes-chaos.XXXXXX)}
mkdir -p "$DIR"
# the reactor packaged and bench's classpath in one go: nothing is installed into ~/.m2
$MVN -B -ntp -q -o -pl bench -am -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile="$DIR/classpath" >/dev/null
status=0
LANES_DATA_DIR=$DIR LANES_PLATFORM_JAR=platform/target/lanes-platform.jar \
  java -XX:+UseSerialGC -Xmx512m -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener -cp "bench/target/classes:$(cat "$DIR/classpath")" \
  dev.lanes.bench.chaos.ChaosBench "$@" 2>"$DIR/driver.log" || status=$?
if [ "$status" = 0 ] && [ -z "${LANES_DATA_DIR:-}" ]; then
  rm -rf "$DIR"
else
  echo "state and logs kept in $DIR" >&2
fi
exit "$status"
