package dev.lanes.bench;

import dev.lanes.common.config.HttpConfig;
import dev.lanes.registry.app.RegistryServiceConfig;
import dev.lanes.registry.app.RegistryServiceVerticle;
import dev.lanes.sandbox.SandboxCluster;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Route propagation: from a change in the Kubernetes API (an EndpointSlice of a dev lane becoming
 * ready or not ready; t0 is taken just before the update is sent to the API server) to every
 * subscriber of {@code GET /v1/routes/stream} having the delta, and, side by side in the same run,
 * to every client of the seed's design (a {@code GET /v1/routes} every 30 s, random phase) having a
 * table that reflects it.
 *
 * <p>One JVM holds the sandbox's mock API server, registry-service (as {@link
 * RegistryServiceVerticle}, on its own Vert.x) and the clients (another Vert.x): the figures
 * include the cost of all three on the same cores.
 *
 * <p>Services {@code svc-{i}-prod} (all) and {@code svc-{i}-dev} (the first quarter), each with one
 * EndpointSlice, all ready at the start; change k toggles the readiness of the dev slice of service
 * {@code k mod devServices}, so the dev lane leaves and re-enters the table. Each subscriber takes
 * the deltas in order: change j is in the first delta after change j-1's, which it checks against
 * the service names and lanes of the delta's upserts. The registry merges the changes that reach it
 * in one turn of its event loop into one delta; such a delta covers several consecutive changes.
 *
 * <p>Usage: {@code bench/route-propagation.sh [services] [subscribers] [changes] [ratePerSecond]
 * [pollPeriodSeconds]}; defaults 2000 1000 600 10 30. The run lasts the warm-up (50 changes), the
 * changes at the rate, then the poll period plus 5 s for the pollers.
 */
public final class RoutePropagationBench {

  private static final String NS = "bench";
  private static final int WARMUP = 50;
  private static final int CREATE_THREADS = 4;
  private static final String PROPAGATION = "lanes.registry.propagation";
  private static final double[] REGISTRY_BUCKETS_MS = {
    0.1, 0.2, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000, 2000,
    5000
  };

  private final int services;
  private final int subscribers;
  private final int changes;
  private final int rate;
  private final int pollPeriodSeconds;
  private final int devServices;
  private final int total; // warm-up + measured changes

  private SandboxCluster sandbox;
  private KubernetesClient kube;
  private Vertx registryVertx;
  private PrometheusMeterRegistry meters;
  private Vertx clientVertx;
  private HttpClientAgent streamClient;
  private HttpClientAgent pollClient;
  private int port;
  private final HttpClient setupClient = HttpClient.newHttpClient();

  private final long[] t0;
  private final long[] apiReturned;

  /** The table version each change produced, as the first subscriber to get it saw it. */
  private final AtomicLongArray versionOf;

  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong deltas = new AtomicLong();
  private final AtomicInteger drops = new AtomicInteger();
  private final AtomicInteger gaps = new AtomicInteger();
  private final AtomicInteger unexpected = new AtomicInteger();
  private final AtomicInteger resyncs = new AtomicInteger();
  private final AtomicInteger pollErrors = new AtomicInteger();
  private final AtomicLong pollBytes = new AtomicLong();
  private final AtomicLong pollCount = new AtomicLong();
  private volatile boolean closing;
  private volatile boolean polling = true;
  private CountDownLatch snapshots;
  private int tableBytes;

  private RoutePropagationBench(
      int services, int subscribers, int changes, int rate, int pollPeriodSeconds) {
    this.services = services;
    this.subscribers = subscribers;
    this.changes = changes;
    this.rate = rate;
    this.pollPeriodSeconds = pollPeriodSeconds;
    this.devServices = Math.max(1, services / 4);
    this.total = WARMUP + changes;
    this.t0 = new long[total];
    this.apiReturned = new long[total];
    this.versionOf = new AtomicLongArray(total);
  }

  public static void main(String[] args) throws Exception {
    // the mock API server logs every request through java.util.logging: send it to logback,
    // where io.fabric8.mockwebserver is at WARN, as the platform does
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    int services = arg(args, 0, 2000);
    int subscribers = arg(args, 1, 1000);
    int changes = arg(args, 2, 600);
    int rate = arg(args, 3, 10);
    int pollPeriod = arg(args, 4, 30);
    if (services < 1 || subscribers < 1 || changes < 1 || rate < 1 || pollPeriod < 1) {
      throw new IllegalArgumentException("every argument must be at least 1");
    }
    RoutePropagationBench bench =
        new RoutePropagationBench(services, subscribers, changes, rate, pollPeriod);
    try {
      bench.run();
    } finally {
      bench.close();
    }
    System.out.printf(
        "rerun: bench/route-propagation.sh %d %d %d %d %d%n",
        services, subscribers, changes, rate, pollPeriod);
    // everything is closed; exit even if a library left a non-daemon thread behind
    System.exit(0);
  }

  private static int arg(String[] args, int i, int otherwise) {
    return args.length > i ? Integer.parseInt(args[i]) : otherwise;
  }

  private static String app(int i) {
    return "svc-" + i;
  }

  /** The dev service change {@code k} toggles. */
  private int devOf(int k) {
    return k % devServices;
  }

  /**
   * Whether change {@code k} leaves the dev lane ready: they start ready, the first toggle ends it.
   */
  private boolean readyAfter(int k) {
    return (k / devServices) % 2 == 1;
  }

  private void run() throws Exception {
    System.out.println(
        "route propagation: registry-service on the sandbox's mock API server, SSE subscribers"
            + " and 30 s-style pollers, all in one JVM");
    System.out.printf(
        "machine: %d cores (Runtime.availableProcessors), %s %s, max heap %d MiB%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf(
        "parameters: %d services (%d of them also with a dev lane), %d SSE subscribers, %d pollers"
            + " every %d s, %d changes at %d/s after %d warm-up changes, poll tail %d s%n",
        services,
        devServices,
        subscribers,
        subscribers,
        pollPeriodSeconds,
        changes,
        rate,
        WARMUP,
        pollPeriodSeconds + 5);

    sandbox = SandboxCluster.start(new SandboxCluster.Options(0, null, Duration.ofMillis(20)));
    kube = sandbox.client();
    EndpointSlice[] devSlices = createServices();
    deployRegistry();
    connectSubscribers();
    startPollers();
    sendChanges(devSlices);
    awaitDeliveries();
    String registryOwn = registryOwn(registryBefore, registryTimer().takeSnapshot());
    String cpu = cpuReport(cpuBefore, cpu());
    long pollEnd = t0[total - 1] + TimeUnit.SECONDS.toNanos(pollPeriodSeconds + 5L);
    long wait = pollEnd - System.nanoTime();
    if (wait > 0) {
      System.out.printf("waiting %.0f s more for the pollers' last round%n", wait / 1e9);
      TimeUnit.NANOSECONDS.sleep(wait);
    }
    polling = false;
    Thread.sleep(500); // polls in flight
    closing = true;
    // closing the clients' Vert.x joins their event loops, so their records are visible here
    clientVertx.close().await(30, TimeUnit.SECONDS);
    clientVertx = null;
    report(registryOwn);
    System.out.println();
    System.out.println(cpu);
  }

  // ---------------------------------------------------------------------------------- setup

  /** The Services and slices, before the registry starts: its informers list them at once. */
  private EndpointSlice[] createServices() throws Exception {
    EndpointSlice[] dev = new EndpointSlice[devServices];
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(CREATE_THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < services; i++) {
        int n = i;
        done.add(
            pool.submit(
                () -> {
                  service(app(n), "prod");
                  kube.discovery()
                      .v1()
                      .endpointSlices()
                      .inNamespace(NS)
                      .resource(slice(app(n) + "-prod", true))
                      .create();
                  if (n < devServices) {
                    service(app(n), "dev");
                    dev[n] =
                        kube.discovery()
                            .v1()
                            .endpointSlices()
                            .inNamespace(NS)
                            .resource(slice(app(n) + "-dev", true))
                            .create();
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    int objects = 2 * (services + devServices);
    System.out.printf(
        "setup: created %d Services and EndpointSlices in the mock API server in %.1f s"
            + " (%d threads)%n",
        objects, (System.nanoTime() - start) / 1e9, CREATE_THREADS);
    return dev;
  }

  private void service(String app, String lane) {
    kube.services()
        .inNamespace(NS)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(app + "-" + lane)
                .withNamespace(NS)
                .addToLabels("app", app)
                .addToLabels("lane", lane)
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("http")
                .withPort(8080)
                .endPort()
                .endSpec()
                .build())
        .create();
  }

  private static EndpointSlice slice(String service, boolean ready) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(service + "-slice")
        .withNamespace(NS)
        .addToLabels("kubernetes.io/service-name", service)
        .endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint()
        .withAddresses("10.0.0.1")
        .withNewConditions()
        .withReady(ready)
        .endConditions()
        .endEndpoint()
        .addNewPort()
        .withName("http")
        .withPort(8080)
        .endPort()
        .build();
  }

  private void deployRegistry() throws Exception {
    long start = System.nanoTime();
    registryVertx = Vertx.vertx();
    meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // fixed buckets on the registry's own propagation timer, so that the measured changes can be
    // told apart from the initial sync (its percentiles are a decaying window over everything)
    meters
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public DistributionStatisticConfig configure(
                  Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals(PROPAGATION)) {
                  return config;
                }
                double[] slos = new double[REGISTRY_BUCKETS_MS.length];
                for (int i = 0; i < slos.length; i++) {
                  slos[i] = REGISTRY_BUCKETS_MS[i] * 1e6;
                }
                return DistributionStatisticConfig.builder()
                    .serviceLevelObjectives(slos)
                    .build()
                    .merge(config);
              }
            });
    RegistryServiceVerticle registry =
        new RegistryServiceVerticle(
            new RegistryServiceConfig(
                new HttpConfig("127.0.0.1", 0),
                NS,
                Duration.ofSeconds(15), // REGISTRY_HEARTBEAT's default
                RegistryServiceConfig.DEFAULT_HISTORY),
            meters,
            kube);
    registryVertx.deployVerticle(registry).await(30, TimeUnit.SECONDS);
    port = registry.actualPort();
    registryLoops = Boolean.getBoolean("noloops") ? new long[0] : loopThreads(registryVertx);

    clientVertx = Vertx.vertx();
    clientLoops = Boolean.getBoolean("noloops") ? new long[0] : loopThreads(clientVertx);
    HttpClientOptions options =
        new HttpClientOptions()
            .setDefaultHost("127.0.0.1")
            .setDefaultPort(port)
            .setKeepAlive(true)
            .setIdleTimeout(0)
            .setConnectTimeout(30_000);
    // one connection per subscriber: each stream holds its connection for the whole run
    streamClient =
        clientVertx.createHttpClient(
            options, new PoolOptions().setHttp1MaxSize(subscribers + 8).setMaxWaitQueueSize(-1));
    pollClient =
        clientVertx.createHttpClient(
            new HttpClientOptions(options).setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(16));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!registry.synced()) {
      check(deadline, "the registry did not sync");
      Thread.sleep(20);
    }
    // every service in the table, then no change for 500 ms: the stream's deltas are ours only
    long version = -1;
    long stableSince = 0;
    while (true) {
      check(deadline, "the registry's table did not settle");
      JsonObject table = getTable();
      int size = table.getJsonObject("services").size();
      long v = table.getLong("version");
      if (size == services && v == version) {
        if (System.nanoTime() - stableSince > 500_000_000L) {
          break;
        }
      } else {
        version = v;
        stableSince = System.nanoTime();
      }
      Thread.sleep(50);
    }
    System.out.printf(
        "setup: registry synced, %d services in its table, in %.1f s%n",
        services, (System.nanoTime() - start) / 1e9);
  }

  /**
   * The table, from the driver's thread with the JDK's client: a Vert.x client's request awaited
   * from a thread outside Vert.x now and then never completed here (no connection was ever opened
   * for it), which would hang the set-up; the JDK's client with a timeout cannot.
   */
  private JsonObject getTable() throws Exception {
    HttpResponse<byte[]> response =
        setupClient.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/routes"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET /v1/routes answered " + response.statusCode());
    }
    tableBytes = response.body().length;
    return new JsonObject(Buffer.buffer(response.body()));
  }

  private static void check(long deadline, String what) {
    if (System.nanoTime() - deadline > 0) {
      throw new IllegalStateException(what);
    }
  }

  private Subscriber[] subs;

  private void connectSubscribers() throws Exception {
    long start = System.nanoTime();
    snapshots = new CountDownLatch(subscribers);
    subs = new Subscriber[subscribers];
    for (int i = 0; i < subscribers; i++) {
      subs[i] = new Subscriber(total);
      Subscriber s = subs[i];
      clientVertx.runOnContext(v -> s.connect());
    }
    if (!snapshots.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          snapshots.getCount() + " subscribers had no snapshot after 120 s");
    }
    System.out.printf(
        "setup: %d subscribers connected and had their snapshot (%d KiB each) in %.1f s"
            + " (%d dropped while connecting)%n",
        subscribers, tableBytes >> 10, (System.nanoTime() - start) / 1e9, drops.get());
  }

  // ---------------------------------------------------------------------------------- changes

  private void sendChanges(EndpointSlice[] devSlices) throws Exception {
    var slices = kube.discovery().v1().endpointSlices().inNamespace(NS);
    System.out.printf(
        "changes: %d warm-up then %d measured, %d/s (%.0f s)%n",
        WARMUP, changes, rate, (double) total / rate);
    long begin = System.nanoTime() + 100_000_000L;
    for (int k = 0; k < total; k++) {
      long due = begin + (long) k * 1_000_000_000L / rate;
      long sleep = due - System.nanoTime();
      if (sleep > 0) {
        TimeUnit.NANOSECONDS.sleep(sleep);
      }
      if (k == WARMUP) {
        registryBefore = registryTimer().takeSnapshot();
        cpuBefore = cpu();
      }
      int d = devOf(k);
      EndpointSlice next = devSlices[d];
      next.getEndpoints().get(0).getConditions().setReady(readyAfter(k));
      t0[k] = System.nanoTime();
      devSlices[d] = slices.resource(next).update();
      apiReturned[k] = System.nanoTime();
    }
    double seconds = (apiReturned[total - 1] - t0[0]) / 1e9;
    System.out.printf("changes: sent in %.1f s (%.1f/s)%n", seconds, (total - 1) / seconds);
  }

  private void awaitDeliveries() throws InterruptedException {
    long want = (long) subscribers * total;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (delivered.get() < want && System.nanoTime() - deadline < 0) {
      Thread.sleep(10);
    }
    if (delivered.get() < want) {
      System.out.printf(
          "WARNING: %d of %d deliveries missing 30 s after the last change%n",
          want - delivered.get(), want);
    }
  }

  // ---------------------------------------------------------------------------------- subscribers

  /**
   * One stream subscriber on its own connection. Parses the stream byte by byte: a snapshot's data
   * (the whole table) is skipped, only its id (the version) is kept; a delta's data is parsed.
   * Reconnects with {@code Last-Event-ID} when the registry drops it, as the SDKs do.
   */
  private final class Subscriber {
    final long[] arrivals;
    int next; // the change the next delta should be
    long version = -1;
    boolean hadSnapshot;
    boolean excluded; // resynced by a snapshot after a drop: its later deltas are not attributable
    int generation;

    byte[] line = new byte[1024];
    int len;
    boolean skipping;
    String event;
    String id;
    String data;

    Subscriber(int total) {
      arrivals = new long[total];
    }

    void connect() {
      int gen = ++generation;
      len = 0;
      skipping = false;
      event = null;
      id = null;
      data = null;
      RequestOptions o =
          new RequestOptions()
              .setMethod(HttpMethod.GET)
              .setURI("/v1/routes/stream")
              .putHeader("Accept", "text/event-stream");
      if (version >= 0) {
        o.putHeader("Last-Event-ID", Long.toString(version));
      }
      streamClient
          .request(o)
          .compose(HttpClientRequest::send)
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  lost(gen);
                  return;
                }
                HttpClientResponse r = ar.result();
                if (r.statusCode() != 200) {
                  lost(gen);
                  return;
                }
                r.handler(b -> feed(b, System.nanoTime()));
                r.exceptionHandler(e -> lost(gen));
                r.endHandler(v -> lost(gen));
              });
    }

    void lost(int gen) {
      if (gen != generation || closing) {
        return;
      }
      generation++;
      drops.incrementAndGet();
      clientVertx.setTimer(250, id -> connect());
    }

    void feed(Buffer b, long t) {
      byte[] bytes = b.getBytes();
      for (byte c : bytes) {
        if (c == '\n') {
          endLine(t);
          continue;
        }
        if (skipping) {
          continue;
        }
        if (len == line.length) {
          line = Arrays.copyOf(line, len * 2);
        }
        line[len++] = c;
        if (len == 5 && "snapshot".equals(event) && startsWithData()) {
          skipping = true;
        }
      }
    }

    private boolean startsWithData() {
      return line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a' && line[4] == ':';
    }

    void endLine(long t) {
      if (skipping) {
        skipping = false;
        len = 0;
        data = "";
        return;
      }
      if (len == 0) {
        dispatch(t);
        return;
      }
      String s = new String(line, 0, len, StandardCharsets.UTF_8);
      len = 0;
      if (s.startsWith("event:")) {
        event = s.substring(6).trim();
      } else if (s.startsWith("id:")) {
        id = s.substring(3).trim();
      } else if (s.startsWith("data:")) {
        data = s.substring(s.startsWith("data: ") ? 6 : 5);
      }
      // comments (": heartbeat") and "retry:" need nothing
    }

    void dispatch(long t) {
      String e = event;
      String i = id;
      String d = data;
      event = null;
      id = null;
      data = null;
      if ("snapshot".equals(e) && i != null) {
        onSnapshot(Long.parseLong(i));
      } else if ("delta".equals(e) && d != null) {
        onDelta(new JsonObject(d), t);
      }
    }

    void onSnapshot(long v) {
      version = v;
      if (!hadSnapshot) {
        hadSnapshot = true;
        snapshots.countDown();
      } else {
        excluded = true;
        resyncs.incrementAndGet();
      }
    }

    void onDelta(JsonObject delta, long t) {
      long v = delta.getLong("version");
      Long previous = delta.getLong("previous");
      if (previous == null || previous != version) {
        gaps.incrementAndGet();
      }
      version = v;
      if (excluded) {
        return;
      }
      deltas.incrementAndGet();
      // one delta carries the changes that reached the registry in the same turn of its event
      // loop: consecutive changes, each on a different service (a burst shorter than devServices)
      JsonObject upserts = delta.getJsonObject("upserts");
      int covered = upserts == null ? 0 : upserts.size();
      if (covered == 0 || next + covered > arrivals.length) {
        unexpected.incrementAndGet();
        return;
      }
      for (int j = next; j < next + covered; j++) {
        JsonObject entry = upserts.getJsonObject(app(devOf(j)));
        JsonArray lanes = entry == null ? null : entry.getJsonArray("lanes");
        if (lanes == null || lanes.contains("dev") != readyAfter(j)) {
          unexpected.incrementAndGet();
          return;
        }
      }
      for (int j = next; j < next + covered; j++) {
        arrivals[j] = t;
        // the version that shows change j to a poller: the delta's (an upper bound when it carries
        // several changes, which makes a poller look later by at most the merge, milliseconds)
        versionOf.compareAndSet(j, 0, v);
      }
      next += covered;
      delivered.addAndGet(covered);
    }
  }

  // ---------------------------------------------------------------------------------- pollers

  private Poller[] pollers;

  /** The seed's design: GET /v1/routes every period, random phase; records (end time, version). */
  private final class Poller {
    long[] times = new long[8];
    long[] versions = new long[8];
    int n;

    synchronized void record(long time, long version) {
      if (n == times.length) {
        times = Arrays.copyOf(times, n * 2);
        versions = Arrays.copyOf(versions, n * 2);
      }
      times[n] = time;
      versions[n] = version;
      n++;
    }

    void poll() {
      if (!polling) {
        return;
      }
      pollClient
          .request(HttpMethod.GET, "/v1/routes")
          .compose(
              req ->
                  req.send()
                      .compose(
                          resp -> {
                            String etag = resp.getHeader("ETag");
                            return resp.body()
                                .map(
                                    body -> {
                                      long end = System.nanoTime();
                                      pollBytes.addAndGet(body.length());
                                      pollCount.incrementAndGet();
                                      record(end, Long.parseLong(etag.replace("\"", "")));
                                      return null;
                                    });
                          }))
          .onFailure(e -> pollErrors.incrementAndGet());
    }
  }

  private void startPollers() {
    pollers = new Poller[subscribers];
    long period = TimeUnit.SECONDS.toMillis(pollPeriodSeconds);
    for (int i = 0; i < pollers.length; i++) {
      Poller p = new Poller();
      pollers[i] = p;
      long phase = 1 + ThreadLocalRandom.current().nextLong(period);
      clientVertx.setTimer(
          phase,
          id -> {
            p.poll();
            clientVertx.setPeriodic(period, id2 -> p.poll());
          });
    }
  }

  // ---------------------------------------------------------------------------------- report

  private HistogramSnapshot registryBefore;
  private Cpu cpuBefore;
  private long[] registryLoops;
  private long[] clientLoops;

  /** CPU time of the process and of the two Vert.x instances' event loops, at one moment. */
  private record Cpu(long wall, long process, long[] registry, long[] clients) {}

  private static long[] loopThreads(Vertx vertx) throws Exception {
    List<Long> ids = new ArrayList<>();
    for (EventExecutor e : ((VertxInternal) vertx).eventLoopGroup()) {
      ids.add(e.submit(() -> Thread.currentThread().getId()).get());
    }
    return ids.stream().mapToLong(Long::longValue).toArray();
  }

  private Cpu cpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] r = new long[registryLoops.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = threads.getThreadCpuTime(registryLoops[i]);
    }
    long[] c = new long[clientLoops.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = threads.getThreadCpuTime(clientLoops[i]);
    }
    long process =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    return new Cpu(System.nanoTime(), process, r, c);
  }

  private static String cpuReport(Cpu a, Cpu b) {
    double wall = (b.wall() - a.wall()) / 1e9;
    double process = (b.process() - a.process()) / 1e9;
    double registry = 0;
    double busiest = 0;
    for (int i = 0; i < a.registry().length; i++) {
      double t = (b.registry()[i] - a.registry()[i]) / 1e9;
      registry += t;
      busiest = Math.max(busiest, t);
    }
    double clients = 0;
    for (int i = 0; i < a.clients().length; i++) {
      clients += (b.clients()[i] - a.clients()[i]) / 1e9;
    }
    return String.format(
        Locale.ROOT,
        "CPU over the measured changes (%.1f s): process %.1f s (%.2f cores); registry's event"
            + " loops %.1f s (the busiest, the registry's own context, %.0f%% of a core); clients'"
            + " event loops (subscribers, pollers) %.1f s; the rest (mock API server, informers,"
            + " GC, the driver) %.1f s",
        wall,
        process,
        process / wall,
        registry,
        100 * busiest / wall,
        clients,
        process - registry - clients);
  }

  private Timer registryTimer() {
    return meters.get(PROPAGATION).timer();
  }

  /**
   * The registry's own timer over the measured changes: the difference of its fixed buckets between
   * the first measured change and the last delivery. Percentiles are bucket bounds.
   */
  private static String registryOwn(HistogramSnapshot before, HistogramSnapshot after) {
    long n = after.count() - before.count();
    if (n <= 0) {
      return "no events";
    }
    double meanMs =
        (after.total(TimeUnit.NANOSECONDS) - before.total(TimeUnit.NANOSECONDS)) / n / 1e6;
    CountAtBucket[] b0 = before.histogramCounts();
    CountAtBucket[] b1 = after.histogramCounts();
    StringBuilder out = new StringBuilder();
    for (double q : new double[] {0.5, 0.9, 0.99}) {
      String bound = "> " + fmtMs(REGISTRY_BUCKETS_MS[REGISTRY_BUCKETS_MS.length - 1]);
      for (int i = 0; i < b1.length; i++) {
        double c = b1[i].count() - (i < b0.length ? b0[i].count() : 0);
        if (c >= q * n) {
          bound = "<= " + fmtMs(b1[i].bucket(TimeUnit.MILLISECONDS));
          break;
        }
      }
      out.append(String.format(Locale.ROOT, "p%.0f %s, ", q * 100, bound));
    }
    out.append(String.format(Locale.ROOT, "mean %.2f ms (n=%d events)", meanMs, n));
    return out.toString();
  }

  private static String fmtMs(double ms) {
    return ms == Math.rint(ms)
        ? String.format(Locale.ROOT, "%.0f ms", ms)
        : String.format(Locale.ROOT, "%s ms", ms);
  }

  private void report(String registryOwn) {
    // SSE subscribers
    long[] perDelivery = new long[subscribers * changes];
    int nd = 0;
    long missing = 0;
    long[] allHave = new long[changes];
    long[] firstHas = new long[changes];
    long[] spread = new long[changes];
    long[] api = new long[changes];
    int complete = 0;
    int excluded = 0;
    for (Subscriber s : subs) {
      if (s.excluded) {
        excluded++;
      }
    }
    for (int c = 0; c < changes; c++) {
      int k = WARMUP + c;
      api[c] = apiReturned[k] - t0[k];
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      boolean all = true;
      for (Subscriber s : subs) {
        long a = s.arrivals[k];
        if (a == 0) {
          if (!s.excluded) {
            missing++;
          }
          all = false;
          continue;
        }
        long l = a - t0[k];
        perDelivery[nd++] = l;
        min = Math.min(min, l);
        max = Math.max(max, l);
      }
      if (all) {
        allHave[complete] = max;
        firstHas[complete] = min;
        spread[complete] = max - min;
        complete++;
      }
    }
    System.out.println();
    System.out.println(
        "SSE stream (t0 = just before the EndpointSlice update is sent to the API server):");
    System.out.println("  API server update call (t0 -> update() returned): " + ms(api, changes));
    System.out.println("  per delivery (change x subscriber):             " + ms(perDelivery, nd));
    System.out.println(
        "  per change, first subscriber has it:            " + ms(firstHas, complete));
    System.out.println(
        "  per change, ALL subscribers have it:            " + ms(allHave, complete));
    System.out.println("  per change, fan-out spread (first -> last):     " + ms(spread, complete));
    System.out.printf(
        "  streams dropped by the registry: %d (reconnected with Last-Event-ID), resynced by a"
            + " snapshot: %d, gaps: %d, unexpected deltas: %d, missing deliveries: %d%n",
        drops.get(), excluded, gaps.get(), unexpected.get(), missing);
    System.out.printf(
        "  deltas received: %.1f per subscriber for %d changes (changes that reach the registry"
            + " in the same turn of its event loop travel as one delta)%n",
        (double) deltas.get() / subscribers, total);
    System.out.println(
        "  registry's own lanes.registry.propagation over the measured changes (informer event ->"
            + " delta written to every stream): "
            + registryOwn);

    // pollers
    long[] pollDelivery = new long[pollers.length * changes];
    int np = 0;
    long[] pollAll = new long[changes];
    int pollComplete = 0;
    long unseen = 0;
    for (int c = 0; c < changes; c++) {
      int k = WARMUP + c;
      long v = versionOf.get(k);
      if (v == 0) {
        unseen += pollers.length;
        continue;
      }
      long max = Long.MIN_VALUE;
      boolean all = true;
      for (Poller p : pollers) {
        long l = -1;
        for (int i = 0; i < p.n; i++) {
          if (p.versions[i] >= v && p.times[i] >= t0[k]) {
            l = p.times[i] - t0[k];
            break;
          }
        }
        if (l < 0) {
          unseen++;
          all = false;
          continue;
        }
        pollDelivery[np++] = l;
        max = Math.max(max, l);
      }
      if (all) {
        pollAll[pollComplete++] = max;
      }
    }
    System.out.println();
    System.out.printf(
        "%d s poll (the seed's design: GET /v1/routes every %d s, random phase):%n",
        pollPeriodSeconds, pollPeriodSeconds);
    System.out.println("  per delivery (change x poller):                 " + ms(pollDelivery, np));
    System.out.println(
        "  per change, ALL pollers have it:                " + ms(pollAll, pollComplete));
    System.out.printf(
        "  polls: %d (%.1f/s, %d KiB each), errors: %d, (change, poller) pairs never seen: %d%n",
        pollCount.get(),
        pollCount.get() / ((System.nanoTime() - t0[0]) / 1e9),
        pollCount.get() == 0 ? 0 : pollBytes.get() / pollCount.get() >> 10,
        pollErrors.get(),
        unseen);
  }

  private static String ms(long[] values, int n) {
    if (n == 0) {
      return "no samples";
    }
    long[] v = Arrays.copyOf(values, n);
    Arrays.sort(v);
    return String.format(
        Locale.ROOT,
        "p50 %s, p90 %s, p99 %s, max %s (n=%d)",
        fmt(at(v, 0.50)),
        fmt(at(v, 0.90)),
        fmt(at(v, 0.99)),
        fmt(v[n - 1]),
        n);
  }

  private static long at(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static String fmt(long nanos) {
    return nanos >= 1_000_000_000L
        ? String.format(Locale.ROOT, "%.2f s", nanos / 1e9)
        : String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  private void close() {
    closing = true;
    polling = false;
    if (clientVertx != null) {
      try {
        clientVertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("closing the clients' Vert.x: " + e);
      }
    }
    if (registryVertx != null) {
      try {
        registryVertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("closing the registry's Vert.x: " + e);
      }
    }
    if (sandbox != null) {
      sandbox.close();
    }
  }
}
