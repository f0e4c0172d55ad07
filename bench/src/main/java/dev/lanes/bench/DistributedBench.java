package dev.lanes.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Issue 6 in one run: the latency of commands from {@code POST} to the Kubernetes object on the
 * event bus (the one-JVM platform) and on Kafka (each service started by its own main, with its own
 * Vert.x and Kafka clients, in this JVM), then builds and releases per second on Kafka with one and
 * with two replicas of build-service and of release-service (then one again, as the JVM is warmer
 * and the sandbox fuller with each round). The same sandbox step everywhere.
 *
 * <p>Usage: {@code bench/distributed.sh [samples] [per-second] [burst] [sandbox-step]}.
 */
public final class DistributedBench {

  private static final String DOCKERFILE = "FROM alpine\n";
  private static final int CLIENTS = 8;
  private static final int WARM_UP = 40;
  private static final Duration OBJECTS_WAIT = Duration.ofSeconds(120);
  private static final Duration DONE_WAIT = Duration.ofSeconds(180);

  /** What one run does. */
  record Settings(int samples, int perSecond, int burst, String step) {
    static Settings from(String[] args) {
      return new Settings(
          args.length > 0 ? Integer.parseInt(args[0]) : 200,
          args.length > 1 ? Integer.parseInt(args[1]) : 5,
          args.length > 2 ? Integer.parseInt(args[2]) : 200,
          args.length > 3 ? args[3] : "20ms");
    }

    int apps() {
      return Math.max(Math.max(samples, burst), WARM_UP);
    }
  }

  /** Latencies of one transport: to the object, and on to the end of the simulated rollout. */
  record LatencyRow(
      String transport,
      Latencies toJob,
      Latencies toSucceeded,
      Latencies toDeployment,
      Latencies toDeployed) {}

  /** Per second: accepted by the API, objects in the API server, finished. */
  record Rates(double accepted, double objects, int objectCount, double done, int doneCount) {
    String row(int n) {
      return String.format(
          "%.0f / %.1f / %.1f%s",
          accepted,
          objects,
          done,
          objectCount < n || doneCount < n
              ? " (" + objectCount + " objects, " + doneCount + " done of " + n + ")"
              : "");
    }
  }

  private DistributedBench() {}

  public static void main(String[] args) throws Exception {
    Settings s = Settings.from(args);
    // as the services' mains do: the mock API server's per-request lines go to SLF4J (WARN)
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    printMachine(s);
    Map<String, String> env = Map.of("BUILD_CONCURRENCY", "256", "SANDBOX_STEP_DELAY", s.step());
    List<LatencyRow> latencies = new ArrayList<>();
    List<String> throughput = new ArrayList<>();
    long begin = System.nanoTime();
    try (BenchPlatform bench = new BenchPlatform(env, DOCKERFILE);
        Connection db = bench.connect()) {
      String tag = prepare(bench, db, s);
      latencies.add(latency("event bus (one JVM)", bench, db, tag, s));
    }
    Path dir = Files.createTempDirectory("lanes-bench-kafka");
    KafkaServices services =
        KafkaServices.start(
            dir,
            dev.lanes.common.config.ConfigParsers.duration(s.step()),
            Map.of("BUILD_CONCURRENCY", "256"));
    try (BenchPlatform bench =
            new BenchPlatform(
                dir, services.apiPort, services.sandbox, services.dbPort, services, DOCKERFILE);
        Connection db = bench.connect()) {
      String tag = prepare(bench, db, s);
      latencies.add(latency("Kafka (a process per service, 1 replica)", bench, db, tag, s));
      throughput.add(throughput("1 + 1", bench, db, tag, s, 1));
      services.addReplicas();
      services.awaitGroup(KafkaServices.BUILD_GROUP, 2, Duration.ofSeconds(60));
      services.awaitGroup(KafkaServices.RELEASE_GROUP, 2, Duration.ofSeconds(60));
      throughput.add(throughput("2 + 2", bench, db, tag, s, 2));
      // once more with one replica each: what the second round gained from a warmer JVM alone
      services.removeReplicas();
      services.awaitGroup(KafkaServices.BUILD_GROUP, 1, Duration.ofSeconds(60));
      services.awaitGroup(KafkaServices.RELEASE_GROUP, 1, Duration.ofSeconds(60));
      throughput.add(throughput("1 + 1, again", bench, db, tag, s, 3));
    }
    print(s, latencies, throughput, Duration.ofNanos(System.nanoTime() - begin));
  }

  /** One succeeded build (its tag), the apps, lane dev, and a warm-up of the whole path. */
  private static String prepare(BenchPlatform bench, Connection db, Settings s) throws Exception {
    String tag =
        bench.post("/api/v1/apps/bench/builds?wait=60s", new JsonObject()).getString("tag");
    ReleaseBench.apps(db, s.apps());
    bench.post("/api/v1/lanes", new JsonObject().put("name", "dev"));
    bench.post("/api/v1/lanes", new JsonObject().put("name", "warm"));
    builds(bench, db, WARM_UP, 20);
    releases(bench, db, tag, "warm", WARM_UP, 20);
    return tag;
  }

  private static LatencyRow latency(
      String transport, BenchPlatform bench, Connection db, String tag, Settings s)
      throws Exception {
    Latencies[] b = builds(bench, db, s.samples(), s.perSecond());
    Latencies[] r = releases(bench, db, tag, "dev", s.samples(), s.perSecond());
    LatencyRow row = new LatencyRow(transport, b[0], b[1], r[0], r[1]);
    System.out.printf(
        "%s, %d builds and %d releases at %d/s:%n  POST build -> Job: %s%n"
            + "  POST build -> succeeded: %s%n  POST release -> Deployment: %s%n"
            + "  POST release -> deployed: %s%n",
        transport, s.samples(), s.samples(), s.perSecond(), b[0], b[1], r[0], r[1]);
    return row;
  }

  /** {@code n} builds of app-0 ... at {@code perSecond}: to the Job, and to succeeded. */
  private static Latencies[] builds(BenchPlatform bench, Connection db, int n, int perSecond)
      throws Exception {
    try (ObjectArrivals jobs = ObjectArrivals.jobs(bench.sandbox.client(), "paas-builds")) {
      Map<String, Instant> sent = Paced.atRate(n, perSecond, i -> build(bench, i));
      jobs.awaitAll(sent.keySet(), OBJECTS_WAIT);
      Map<String, Instant> done =
          StatusEvents.await(db, StatusEvents.BUILD, "succeeded", sent.keySet(), DONE_WAIT);
      return new Latencies[] {Latencies.between(sent, jobs.seen), Latencies.between(sent, done)};
    }
  }

  /** {@code n} releases of app-0 ... into {@code lane}: to the Deployment, and to deployed. */
  private static Latencies[] releases(
      BenchPlatform bench, Connection db, String tag, String lane, int n, int perSecond)
      throws Exception {
    try (ObjectArrivals deployments = ObjectArrivals.deployments(bench.sandbox.client(), "prod")) {
      Map<String, Instant> sent = Paced.atRate(n, perSecond, i -> release(bench, tag, lane, i));
      deployments.awaitAll(sent.keySet(), OBJECTS_WAIT);
      Map<String, Instant> done =
          StatusEvents.await(db, StatusEvents.RELEASE, "deployed", sent.keySet(), DONE_WAIT);
      return new Latencies[] {
        Latencies.between(sent, deployments.seen), Latencies.between(sent, done)
      };
    }
  }

  private static String build(BenchPlatform bench, int i) throws Exception {
    return bench
        .post("/api/v1/apps/app-" + i + "/builds", new JsonObject().put("force", true))
        .getString("id");
  }

  private static String release(BenchPlatform bench, String tag, String lane, int i)
      throws Exception {
    return bench
        .post(
            "/api/v1/releases",
            new JsonObject().put("app", "app-" + i).put("lane", lane).put("tag", tag))
        .getString("id");
  }

  /**
   * {@code s.burst()} builds of as many apps, then as many releases into a new lane, each sent by
   * {@link #CLIENTS} clients at once; the table row of {@code replicas}.
   */
  private static String throughput(
      String replicas, BenchPlatform bench, Connection db, String tag, Settings s, int round)
      throws Exception {
    int n = s.burst();
    Rates builds;
    try (ObjectArrivals jobs = ObjectArrivals.jobs(bench.sandbox.client(), "paas-builds")) {
      builds =
          burst(
              n,
              i -> build(bench, i),
              jobs,
              ids -> StatusEvents.await(db, StatusEvents.BUILD, "succeeded", ids, DONE_WAIT));
    }
    String lane = "burst" + round;
    bench.post("/api/v1/lanes", new JsonObject().put("name", lane));
    Rates releases;
    try (ObjectArrivals deployments = ObjectArrivals.deployments(bench.sandbox.client(), "prod")) {
      releases =
          burst(
              n,
              i -> release(bench, tag, lane, i),
              deployments,
              ids -> StatusEvents.await(db, StatusEvents.RELEASE, "deployed", ids, DONE_WAIT));
    }
    System.out.printf(
        "Kafka, %s replicas (build + release), %d at once by %d clients, per second"
            + " accepted / objects / done:%n  builds   %s%n  releases %s%n",
        replicas, n, CLIENTS, builds.row(n), releases.row(n));
    return String.format("| %s | %s | %s |", replicas, builds.row(n), releases.row(n));
  }

  /** When what was sent finished. */
  @FunctionalInterface
  private interface Done {
    Map<String, Instant> await(java.util.Collection<String> ids) throws Exception;
  }

  private static Rates burst(int n, Paced.Request request, ObjectArrivals objects, Done done)
      throws Exception {
    Instant first = Instant.now();
    Map<String, Instant> sent = Paced.concurrently(n, CLIENTS, request);
    double accepted = n / seconds(first, Instant.now());
    objects.awaitAll(sent.keySet(), OBJECTS_WAIT);
    List<Instant> arrived =
        sent.keySet().stream().map(objects.seen::get).filter(t -> t != null).toList();
    Map<String, Instant> finished = done.await(sent.keySet());
    return new Rates(
        accepted,
        arrived.size() / seconds(first, last(arrived)),
        arrived.size(),
        finished.size() / seconds(first, last(finished.values())),
        finished.size());
  }

  private static Instant last(java.util.Collection<Instant> times) {
    return times.stream().max(Instant::compareTo).orElse(Instant.MAX);
  }

  private static double seconds(Instant from, Instant to) {
    return to.equals(Instant.MAX)
        ? Double.POSITIVE_INFINITY
        : Duration.between(from, to).toNanos() / 1e9;
  }

  private static void printMachine(Settings s) throws Exception {
    String cpu =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .findFirst()
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .orElse("?");
    System.out.printf(
        "machine: %d cores (%s), %s %s, Java %s, max heap %d MiB%n",
        Runtime.getRuntime().availableProcessors(),
        cpu,
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf(
        "parameters: %d builds and %d releases at %d/s per transport (after %d of each to warm"
            + " up); bursts of %d builds and %d releases by %d clients; sandbox step %s;"
            + " BUILD_CONCURRENCY=256 (the most it accepts); Dockerfile 'FROM alpine'%n",
        s.samples(), s.samples(), s.perSecond(), WARM_UP, s.burst(), s.burst(), CLIENTS, s.step());
  }

  private static void print(
      Settings s, List<LatencyRow> latencies, List<String> throughput, Duration took) {
    System.out.println();
    System.out.println(
        "| Transport | POST build → Job p50 / p90 / p99 / max | POST release → Deployment"
            + " p50 / p90 / p99 / max | build → succeeded p50 / p99 | release → deployed"
            + " p50 / p99 |");
    System.out.println("|---|---|---|---|---|");
    for (LatencyRow r : latencies) {
      System.out.printf(
          "| %s | %s | %s | %.0f / %.0f ms | %.0f / %.0f ms |%n",
          r.transport(),
          r.toJob().row(),
          r.toDeployment().row(),
          r.toSucceeded().p50(),
          r.toSucceeded().p99(),
          r.toDeployed().p50(),
          r.toDeployed().p99());
    }
    System.out.println();
    System.out.println(
        "| Replicas (build-service + release-service) | Builds/s: accepted / Jobs / succeeded"
            + " | Releases/s: accepted / Deployments / deployed |");
    System.out.println("|---|---|---|");
    throughput.forEach(System.out::println);
    System.out.printf("%nwhole run: %.0f s%n", took.toMillis() / 1000.0);
    System.out.println(
        "rerun: bench/distributed.sh "
            + s.samples()
            + " "
            + s.perSecond()
            + " "
            + s.burst()
            + " "
            + s.step());
  }
}
