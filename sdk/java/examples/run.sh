#!/usr/bin/env bash
# Runs RouteDemo.java against a registry: builds the SDK if needed, then launches the single-file
# example on the SDK's class path. Usage: sdk/java/examples/run.sh --registry URL --app web
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f target/classpath.txt ] || [ ! -d target/classes ]; then
  mvn -B -q -ntp -f ../../pom.xml -pl sdk/java -am install -DskipTests >/dev/null
  mvn -B -q -ntp dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >/dev/null
fi
exec java -cp "target/classes:$(cat target/classpath.txt)" examples/RouteDemo.java "$@"
