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

.PHONY: run run-kube run-distributed kube test test-java test-openapi test-sdk-python test-sdk-typescript build fmt clean
.PHONY: deploy self-deploy release undeploy status latest-build

LANES ?= bin/lanes
# a required variable, or a message saying how to call the target
need = $(if $(strip $($(1))),,$(error $(1) is required: $(2)))

## run: build what is missing, then start every service in one JVM on embedded defaults
run: $(PLATFORM_JAR)
	@exec $(JAVA) $(JAVA_OPTS) -jar $(PLATFORM_JAR)

## run-kube: as run, against a local control plane of real Kubernetes components (etcd,
## kube-apiserver, kube-controller-manager, kube-scheduler, kwok; built from their Go modules the
## first time, then cached in ~/.cache/lanes/kube), each service with its own ServiceAccount
run-kube: $(PLATFORM_JAR)
	@exec bin/run-kube

## run-distributed: every service its own process over Kafka (2 build-service replicas), with
## PostgreSQL, a Kafka broker and the sandbox cluster beside them; Ctrl-C stops all
run-distributed: $(PLATFORM_JAR)
	@exec bin/run-distributed

## test: build and run every test: the JVM modules (with the Java SDK; the end-to-end ones on the
## sandbox and on the local control plane), the OpenAPI document's lint, then the Python and
## TypeScript SDKs
test: test-java test-openapi test-sdk-python test-sdk-typescript

## kube: build the local control plane's components from their Go modules when Go is there and
## they are not built yet (cold: about 10 minutes on 2 cores; then cached in ~/.cache/lanes/kube).
## Without Go, the tests that need them are skipped (LANES_REQUIRE_KUBE=true fails them instead).
kube:
	@if command -v go >/dev/null; then kube/build.sh >/dev/null; \
	  else echo "no Go: the tests on the local control plane will be skipped"; fi

test-java: kube
	$(MVN) $(MVN_FLAGS) verify

## test-openapi: Redocly's linter on the OpenAPI document, every warning an error
## (api-gateway/openapi-lint/redocly.yaml says what is switched off and why)
test-openapi:
	cd api-gateway/openapi-lint && $(NPM) ci --no-audit --no-fund --loglevel=error && \
	  REDOCLY_TELEMETRY=off $(NPM) run --silent lint

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

## The seed's flows, as thin wrappers over the CLI (bin/lanes; `make build` first). The platform is
## LANES_URL / LANES_API_KEY or the current `lanes config` context.
## deploy: build REF (default main) of APP, release it to LANE (default prod), wait until deployed
deploy:
	$(call need,APP,make deploy APP=<app> [LANE=prod] [REF=main])
	$(LANES) deploy $(APP) --lane $(or $(LANE),prod) --ref $(or $(REF),main)

## self-deploy: the platform deploys itself blue/green (build through blue, prod, then blue through prod)
self-deploy:
	$(LANES) self-deploy --ref $(or $(REF),main) $(if $(APP),--app $(APP))

## release: release TAG (default: the latest successful build) of APP to LANE, no build; also the rollback path
release:
	$(call need,APP,make release APP=<app> LANE=<lane> [TAG=<tag>])
	$(call need,LANE,make release APP=<app> LANE=<lane> [TAG=<tag>])
	$(LANES) release $(APP) --lane $(LANE) $(if $(TAG),--tag $(TAG)) --wait

## undeploy: delete the release of APP in LANE
undeploy:
	$(call need,APP,make undeploy APP=<app> LANE=<lane>)
	$(call need,LANE,make undeploy APP=<app> LANE=<lane>)
	$(LANES) undeploy $(APP) --lane $(LANE)

## status: every app's releases by lane (APP= for one app)
status:
	$(LANES) status $(APP)

## latest-build: the latest successful build of APP
latest-build:
	$(call need,APP,make latest-build APP=<app>)
	$(LANES) latest-build $(APP)
