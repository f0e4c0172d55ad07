# Lanes: the two commands a newcomer needs are `make run` and `make test`.
MVN ?= mvn
MVN_FLAGS ?= -B -ntp
JAVA ?= java
JAVA_OPTS ?= -XX:+UseSerialGC -Xmx512m
PLATFORM_JAR := platform/target/lanes-platform.jar
SOURCES := $(shell find . -path ./.git -prune -o -path '*/target' -prune -o -path ./.lanes -prune \
             -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -type f -print)

NPM ?= npm
PYTHON ?= python3

.PHONY: run run-distributed test test-java test-sdk-python test-sdk-typescript build fmt clean

## run: build what is missing, then start every service in one JVM on embedded defaults
run: $(PLATFORM_JAR)
	@exec $(JAVA) $(JAVA_OPTS) -jar $(PLATFORM_JAR)

## run-distributed: every service its own process over Kafka (2 build-service replicas), with
## PostgreSQL, a Kafka broker and the sandbox cluster beside them; Ctrl-C stops all
run-distributed: $(PLATFORM_JAR)
	@exec bin/run-distributed

## test: build and run every test: the JVM modules (with the Java SDK), then the Python and TypeScript SDKs
test: test-java test-sdk-python test-sdk-typescript

test-java:
	$(MVN) $(MVN_FLAGS) verify

test-sdk-python:
	cd sdk/python && $(PYTHON) -m unittest discover -s tests -t .

test-sdk-typescript:
	cd sdk/typescript && $(NPM) ci --no-audit --no-fund --loglevel=error && $(NPM) test

## build: compile and package everything, without tests
build: $(PLATFORM_JAR)

$(PLATFORM_JAR): $(SOURCES)
	$(MVN) $(MVN_FLAGS) -q -DskipTests install
	@touch $(PLATFORM_JAR)

## fmt: format all Java code (the build also does this)
fmt:
	$(MVN) $(MVN_FLAGS) -q spotless:apply

clean:
	$(MVN) $(MVN_FLAGS) -q clean
